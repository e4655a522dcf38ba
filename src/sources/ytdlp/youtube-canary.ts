import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isUserError } from '../../core/errors.js';
import type { Clock, TimerHandle } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { YtDlpClient } from './ytdlp-client.js';
import type { YouTubeHealth } from './youtube-health.js';

export interface CanaryOptions {
  readonly client: YtDlpClient;
  readonly url: string;
  readonly intervalMs: number;
  readonly health: YouTubeHealth;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly dataDir: string;
}

/** The catalogue code a canary run failed with, or null when the canary resolved (a video with audio). */
export async function canaryOutcome(client: YtDlpClient, url: string): Promise<string | null> {
  try {
    const { format } = await client.video(url, AbortSignal.timeout(60_000));
    return format ? null : 'NOT_AUDIO';
  } catch (error) {
    return isUserError(error) ? error.code : 'INTERNAL';
  }
}

/**
 * The periodic YouTube canary: resolves YTDLP_CANARY_URL every interval (first run one interval after start,
 * so restarts do not hammer YouTube); the result feeds YouTube's health (fallback, /readyz degraded detail,
 * source_health gauge) and DATA_DIR/yt-dlp/canary.json, which `npm run doctor` reads.
 */
export class YouTubeCanary {
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(private readonly options: CanaryOptions) {}

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) this.options.clock.clearTimeout(this.timer);
  }

  /** One canary run now. */
  async check(): Promise<string | null> {
    const { client, url, health, logger, clock, dataDir } = this.options;
    const code = await canaryOutcome(client, url);
    health.canary(code ? { ok: false, code } : { ok: true });
    const version = await client.version(AbortSignal.timeout(15_000)).catch(() => undefined);
    if (code)
      logger.warn(
        { url, code },
        'YouTube canary failed: YouTube refuses this server or yt-dlp is broken (docs/youtube.md)',
      );
    else logger.info({ url, version }, 'YouTube canary played');
    const file = path.resolve(dataDir, 'yt-dlp', 'canary.json');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(
      file,
      JSON.stringify({
        ok: code === null,
        at: clock.now(),
        url,
        ...(code ? { code } : {}),
        ...(version ? { version } : {}),
      }),
    ).catch((error: unknown) => logger.debug({ err: error }, 'canary result not saved'));
    return code;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.options.clock.setTimeout(
      () => void this.check().finally(() => this.schedule()),
      this.options.intervalMs,
    );
    this.timer.unref?.();
  }
}
