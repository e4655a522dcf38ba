/**
 * The yt-dlp adapter's one entry point for the YouTube `Source`: runs the binary with the right
 * arguments (ytdlp-args), under a timeout and the caller's signal (ytdlp-runner), and maps the JSON
 * (ytdlp-json, ytdlp-format).
 *
 * Invariants: failures users can understand come out as `UserError`s (via `toUserFacingError`), with
 * the `YtDlpError` as `cause`; outages stay `YtDlpError`s (network ones marked transient for the pool).
 * stderr is logged at debug level on success and at warn level on failure, never shown to users.
 */
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { SourceName, Track } from '../../core/track.js';
import { UserError, isUserError, type ErrorCode } from '../../core/errors.js';
import { traced } from '../../core/activity.js';
import { playlistArgs, searchArgs, videoArgs, type SearchSite, type YtDlpArgsOptions } from './ytdlp-args.js';
import { YtDlpError, toUserFacingError } from './ytdlp-errors.js';
import { pickAudioFormat, type YtDlpAudioFormat } from './ytdlp-format.js';
import {
  parseYtDlpJson,
  playlistFromInfo,
  searchResultsFromInfo,
  trackFromInfo,
  type YtDlpPlaylist,
} from './ytdlp-json.js';
import { runYtDlp } from './ytdlp-runner.js';

export interface YtDlpClientOptions {
  /** Path from `locateYtDlp`/`requireYtDlp`. */
  readonly binary: string;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Per-run limit (default 20 s: YouTube's JavaScript challenge can take several seconds on a Pi). */
  readonly timeoutMs?: number;
  readonly maxStdoutBytes?: number;
  readonly killGraceMs?: number;
  readonly args?: YtDlpArgsOptions;
  readonly env?: NodeJS.ProcessEnv;
  /** `Track.source` of the results (default `youtube`). */
  readonly source?: SourceName;
  /**
   * Told of every failure that became a catalogue code (metrics, the owner's hourly remedy line, YouTube's
   * health) and of every video resolved (YouTube answered). `url` is the target, for telling sites apart.
   */
  readonly observer?: YtDlpObserver;
  /** The binary for each run, when it can change (the self-updater's switched-in yt-dlp); default `binary`. */
  readonly resolveBinary?: () => string;
  /** Awaited before every run (the owner's cookies copy is refreshed there). */
  readonly beforeRun?: () => Promise<void>;
}

export interface YtDlpObserver {
  failed(code: ErrorCode, target: string): void;
  resolved(target: string): void;
}

export interface YtDlpVideo {
  readonly track: Track;
  /** `null` when yt-dlp listed no usable audio (DRM, audio-less): the caller reports NOT_AUDIO. */
  readonly format: YtDlpAudioFormat | null;
}

export class YtDlpClient {
  constructor(private readonly options: YtDlpClientOptions) {}

  /** One video and its audio format. */
  async video(url: string, signal: AbortSignal): Promise<YtDlpVideo> {
    const info = await this.run(videoArgs(url, this.options.args), signal, url);
    const track = trackFromInfo(info, this.options.source);
    if (!track) throw new UserError('NOT_AUDIO');
    this.options.observer?.resolved(url);
    return { track, format: pickAudioFormat(info) };
  }

  /** A playlist's first `maxEntries` entries (flat: no formats; each is resolved when it plays). */
  async playlist(url: string, signal: AbortSignal, maxEntries = 1000): Promise<YtDlpPlaylist> {
    const info = await this.run(playlistArgs(url, maxEntries, this.options.args), signal, url);
    return playlistFromInfo(info, this.options.source);
  }

  /** The first `limit` YouTube (or, with `scsearch`, SoundCloud) results for `text`. */
  async search(text: string, signal: AbortSignal, limit = 5, site: SearchSite = 'ytsearch'): Promise<Track[]> {
    const info = await this.run(searchArgs(text, limit, this.options.args, site), signal, site);
    return searchResultsFromInfo(info, this.options.source);
  }

  /** Reports a failure found outside a yt-dlp run (a media URL refused), like the run's own. */
  report(code: ErrorCode, target: string): void {
    this.options.observer?.failed(code, target);
  }

  /** `yt-dlp --version`, for the start-up log and health checks. */
  async version(signal: AbortSignal): Promise<string> {
    const { stdout } = await this.exec(['--version'], signal);
    return stdout.trim();
  }

  private async run(args: string[], signal: AbortSignal, target: string): Promise<Record<string, unknown>> {
    const { stdout } = await this.exec(args, signal, target);
    try {
      return traced('parse:ytdlp-json', () => parseYtDlpJson(stdout));
    } catch (error) {
      this.logger?.warn(
        { err: error, args: this.loggable(args), stdoutHead: stdout.slice(0, 200) },
        'yt-dlp output was not JSON',
      );
      throw error;
    }
  }

  private async exec(args: string[], signal: AbortSignal, target = ''): Promise<{ stdout: string; stderr: string }> {
    const { clock, timeoutMs, maxStdoutBytes, killGraceMs, env } = this.options;
    const binary = this.options.resolveBinary?.() ?? this.options.binary;
    await this.options.beforeRun?.();
    try {
      const result = await runYtDlp({
        binary,
        args,
        signal,
        clock,
        timeoutMs: timeoutMs ?? 20_000,
        maxStdoutBytes,
        killGraceMs,
        env,
      });
      if (result.stderr) this.logger?.debug({ args: this.loggable(args), stderr: result.stderr }, 'yt-dlp stderr');
      return result;
    } catch (error) {
      if (!(error instanceof YtDlpError)) throw error; // the caller's abort reason
      this.logger?.warn(
        { err: error, kind: error.kind, exitCode: error.exitCode, stderr: error.stderrTail, args: this.loggable(args) },
        'yt-dlp failed',
      );
      const surfaced = toUserFacingError(error);
      if (isUserError(surfaced)) this.options.observer?.failed(surfaced.code, target);
      throw surfaced;
    }
  }

  /** The owner's options (first on the line) may hold credentials (`--proxy=user:pass@…`): logs get a count. */
  private loggable(args: readonly string[]): string[] {
    const owner = this.options.args?.extraArgs?.length ?? 0;
    return owner === 0 ? [...args] : [`<${owner} owner options>`, ...args.slice(owner)];
  }

  private get logger(): Logger | undefined {
    return this.options.logger;
  }
}
