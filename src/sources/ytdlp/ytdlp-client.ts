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
import { UserError } from '../../core/errors.js';
import { playlistArgs, searchArgs, videoArgs, type YtDlpArgsOptions } from './ytdlp-args.js';
import { YtDlpError, toUserFacingError } from './ytdlp-errors.js';
import { pickAudioFormat, type YtDlpAudioFormat } from './ytdlp-format.js';
import { parseYtDlpJson, playlistFromInfo, searchResultsFromInfo, trackFromInfo, type YtDlpPlaylist } from './ytdlp-json.js';
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
    const info = await this.run(videoArgs(url, this.options.args), signal);
    const track = trackFromInfo(info, this.options.source);
    if (!track) throw new UserError('NOT_AUDIO');
    return { track, format: pickAudioFormat(info) };
  }

  /** A playlist's first `maxEntries` entries (flat: no formats; each is resolved when it plays). */
  async playlist(url: string, signal: AbortSignal, maxEntries = 1000): Promise<YtDlpPlaylist> {
    const info = await this.run(playlistArgs(url, maxEntries, this.options.args), signal);
    return playlistFromInfo(info, this.options.source);
  }

  /** The first `limit` YouTube results for `text`. */
  async search(text: string, signal: AbortSignal, limit = 5): Promise<Track[]> {
    const info = await this.run(searchArgs(text, limit, this.options.args), signal);
    return searchResultsFromInfo(info, this.options.source);
  }

  /** `yt-dlp --version`, for the start-up log and health checks. */
  async version(signal: AbortSignal): Promise<string> {
    const { stdout } = await this.exec(['--version'], signal);
    return stdout.trim();
  }

  private async run(args: string[], signal: AbortSignal): Promise<Record<string, unknown>> {
    const { stdout } = await this.exec(args, signal);
    try {
      return parseYtDlpJson(stdout);
    } catch (error) {
      this.logger?.warn({ err: error, args, stdoutHead: stdout.slice(0, 200) }, 'yt-dlp output was not JSON');
      throw error;
    }
  }

  private async exec(args: string[], signal: AbortSignal): Promise<{ stdout: string; stderr: string }> {
    const { binary, clock, timeoutMs, maxStdoutBytes, killGraceMs, env } = this.options;
    try {
      const result = await runYtDlp({ binary, args, signal, clock, timeoutMs: timeoutMs ?? 20_000, maxStdoutBytes, killGraceMs, env });
      if (result.stderr) this.logger?.debug({ args, stderr: result.stderr }, 'yt-dlp stderr');
      return result;
    } catch (error) {
      if (!(error instanceof YtDlpError)) throw error; // the caller's abort reason
      this.logger?.warn({ err: error, kind: error.kind, exitCode: error.exitCode, stderr: error.stderrTail, args }, 'yt-dlp failed');
      throw toUserFacingError(error);
    }
  }

  private get logger(): Logger | undefined {
    return this.options.logger;
  }
}
