import { UserError } from '../../core/errors.js';
import type { Track } from '../../core/track.js';
import type { AddressPolicy } from '../../net/address-policy.js';
import type { Logger } from '../../ports/logger.js';
import type { MediaStream } from '../../ports/source.js';
import type { SourceCache, StreamUrlEntry } from '../../ports/source-cache.js';
import { isAbortError } from '../../core/transient.js';
import { openHls } from '../http/hls-reader.js';
import { contentTypeOf, isExpiredUrlError, openMedia } from '../http/media-fetch.js';
import { sourceErrors } from '../source-errors.js';
import type { YtDlpClient } from './ytdlp-client.js';
import type { YtDlpAudioFormat } from './ytdlp-format.js';

export interface YtDlpStreamerOptions {
  readonly client: YtDlpClient;
  readonly cache: SourceCache;
  readonly policy: AddressPolicy;
  /** Time allowed until the media server's headers arrive. */
  readonly timeoutMs: number;
  /** Display name for messages ("YouTube refused …"). */
  readonly label: string;
  readonly logger?: Logger;
}

/** What we need to open a stream: a cache entry or a format fresh from yt-dlp. */
type StreamTarget = Pick<StreamUrlEntry, 'url' | 'httpHeaders' | 'container'>;

/**
 * Opens the audio of a yt-dlp track. Signed media URLs are the expensive part (one yt-dlp run, seconds on a
 * Pi), so they are cached per track until shortly before they expire; a cached URL the origin refuses
 * (403/410) or that fails to open is dropped and fetched afresh exactly once.
 */
export class YtDlpStreamer {
  constructor(private readonly options: YtDlpStreamerOptions) {}

  /** Caches the format yt-dlp returned while resolving, so the first play needs no second run. */
  async remember(trackId: string, format: YtDlpAudioFormat | null): Promise<void> {
    if (!format) return;
    await this.options.cache.setStreamUrl(trackId, toInput(format));
  }

  /** Makes sure a fresh stream URL is cached (prefetch before the track's turn). */
  async prepare(track: Track, signal: AbortSignal): Promise<void> {
    if (await this.options.cache.getStreamUrl(track.id)) return;
    await this.fresh(track, signal);
  }

  async open(track: Track, signal: AbortSignal): Promise<MediaStream> {
    const cached = await this.options.cache.getStreamUrl(track.id);
    if (cached) {
      try {
        return await this.openTarget(cached, signal);
      } catch (error) {
        if (signal.aborted || isAbortError(error)) throw error;
        this.options.logger?.info(
          { trackId: track.id, expired: isExpiredUrlError(error) },
          'cached stream URL failed; refreshing',
        );
        await this.options.cache.invalidateStreamUrl(track.id);
      }
    }
    const target = await this.fresh(track, signal);
    try {
      return await this.openTarget(target, signal);
    } catch (error) {
      await this.options.cache.invalidateStreamUrl(track.id);
      // A URL yt-dlp just signed being refused is the origin blocking us, not the user's fault.
      if (isExpiredUrlError(error)) {
        if (this.options.label !== 'YouTube') throw sourceErrors.refused(this.options.label, error.status);
        this.options.client.report('YOUTUBE_MEDIA_FORBIDDEN', track.url);
        throw new UserError('YOUTUBE_MEDIA_FORBIDDEN');
      }
      throw error;
    }
  }

  /** Runs yt-dlp for the track's page and caches the chosen format's URL. */
  private async fresh(track: Track, signal: AbortSignal): Promise<StreamTarget> {
    const { format } = await this.options.client.video(track.url, signal);
    if (!format) throw sourceErrors.formatUnsupported('this one: it has no audio I can use');
    const stored = await this.options.cache.setStreamUrl(track.id, toInput(format));
    return stored ?? { url: format.url, httpHeaders: format.httpHeaders, container: format.container };
  }

  private async openTarget(target: StreamTarget, signal: AbortSignal): Promise<MediaStream> {
    const url = new URL(target.url);
    const common = {
      policy: this.options.policy,
      signal,
      timeoutMs: this.options.timeoutMs,
      headers: target.httpHeaders ?? {},
    };
    if (target.container === 'hls') return openHls(url, common);
    const response = await openMedia(url, common);
    const contentType = contentTypeOf(response.headers);
    return { stream: response.body, ...(contentType ? { contentType } : {}) };
  }
}

function toInput(format: YtDlpAudioFormat) {
  return {
    url: format.url,
    httpHeaders: format.httpHeaders,
    acodec: format.acodec,
    container: format.container,
    urlExpiresAt: format.expiresAt,
  };
}
