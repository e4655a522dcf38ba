import { childEnv } from '../core/child-env.js';
import type { Clock } from '../ports/clock.js';
import { locateYtDlp } from '../sources/ytdlp/ytdlp-binary.js';
import { runYtDlp } from '../sources/ytdlp/ytdlp-runner.js';

/** What `/status` says about yt-dlp: its version, or why there is none. */
export type YtDlpVersion =
  | { readonly ok: true; readonly version: string }
  | { readonly ok: false; readonly reason: 'missing' | 'broken' };

export interface YtDlpVersionProbeOptions {
  readonly clock: Clock;
  readonly configuredPath?: string | undefined;
  /** The child's environment (default: the minimal one of `childEnv`, as for every yt-dlp run). */
  readonly env?: Record<string, string>;
  /** How long an answer is reused (default 10 minutes: an update is rare, a spawn per /status is not needed). */
  readonly ttlMs?: number;
}

/**
 * `yt-dlp --version`, run at most once per TTL however many `/status` calls ask (they share one run), with
 * the runner's bounds (5 s timeout, process-group kill). Only a version-shaped first line is believed.
 */
export class YtDlpVersionProbe {
  private cached: { at: number; value: Promise<YtDlpVersion> } | undefined;

  constructor(private readonly options: YtDlpVersionProbeOptions) {}

  get(): Promise<YtDlpVersion> {
    const now = this.options.clock.now();
    if (!this.cached || now - this.cached.at > (this.options.ttlMs ?? 600_000))
      this.cached = { at: now, value: this.run() };
    return this.cached.value;
  }

  private async run(): Promise<YtDlpVersion> {
    const location = await locateYtDlp(
      this.options.configuredPath ? { configuredPath: this.options.configuredPath } : {},
    );
    if (!location.ok) return { ok: false, reason: 'missing' };
    try {
      const { stdout } = await runYtDlp({
        binary: location.path,
        args: ['--version'],
        signal: new AbortController().signal,
        clock: this.options.clock,
        timeoutMs: 5000,
        maxStdoutBytes: 4096,
        env: this.options.env ?? childEnv(process.env),
      });
      const version = stdout.split('\n')[0]?.trim() ?? '';
      return /^[\w.+-]{1,40}$/.test(version) ? { ok: true, version } : { ok: false, reason: 'broken' };
    } catch {
      return { ok: false, reason: 'broken' };
    }
  }
}
