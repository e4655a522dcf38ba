import { UserError } from '../../core/errors.js';
import type { Track } from '../../core/track.js';
import type { AddressPolicy } from '../../net/address-policy.js';
import type { Logger } from '../../ports/logger.js';
import type {
  MediaStream,
  PagedPlaylist,
  PreparableSource,
  Query,
  Resolution,
  StreamOptions,
} from '../../ports/source.js';
import { MAX_PLAYLIST } from '../../core/limits.js';
import type { SourceCache } from '../../ports/source-cache.js';
import { sourceErrors } from '../source-errors.js';
import type { YtDlpClient } from './ytdlp-client.js';
import { explain } from './ytdlp-source.js';
import { YtDlpStreamer } from './ytdlp-streamer.js';

export interface SoundCloudSourceOptions {
  /** The shared yt-dlp client; `null` when yt-dlp is missing. */
  readonly client: YtDlpClient | null;
  readonly cache: SourceCache;
  readonly policy: AddressPolicy;
  readonly timeoutMs: number;
  readonly maxPlaylist?: number;
  readonly logger?: Logger;
  /**
   * While this names a reason (YouTube refusing this server), plain-text searches are taken here
   * (`scsearch`) instead of YouTube; the registry asks SoundCloud first.
   */
  readonly searchWhile?: () => string | null;
}

const SOUNDCLOUD_HOST = /^(?:www\.|m\.|on\.)?soundcloud\.com$/i;

export const isSoundCloudUrl = (url: URL): boolean =>
  /^https?:$/.test(url.protocol) && SOUNDCLOUD_HOST.test(url.hostname);

/**
 * SoundCloud tracks and sets through yt-dlp, which keeps up with SoundCloud's client-id rotation (play-dl's
 * scraping does not). SoundCloud serves audio as HLS (Opus or MP3 segments); the HLS reader concatenates
 * them, and Opus arrives as Ogg, so it is passed through to Discord without re-encoding.
 */
export class SoundCloudSource implements PreparableSource {
  readonly name = 'soundcloud' as const;
  private readonly streamer: YtDlpStreamer | null;

  constructor(private readonly options: SoundCloudSourceOptions) {
    const { client, cache, policy, timeoutMs, logger } = options;
    this.streamer = client
      ? new YtDlpStreamer({ client, cache, policy, timeoutMs, label: 'SoundCloud', ...(logger ? { logger } : {}) })
      : null;
  }

  canHandle(query: Query): boolean {
    if (query.kind === 'search') return this.options.searchWhile?.() != null;
    return query.kind === 'url' && isSoundCloudUrl(query.url);
  }

  async resolve(query: Query, signal: AbortSignal): Promise<Resolution> {
    if (query.kind === 'search') return { kind: 'track', track: await this.firstResult(query.text, signal) };
    if (query.kind !== 'url') throw new UserError('UNSUPPORTED_QUERY');
    const client = this.client();
    if (/\/sets\//.test(query.url.pathname)) {
      const list = await explain(client.playlist(query.url.href, signal, this.options.maxPlaylist ?? MAX_PLAYLIST));
      if (list.tracks.length === 0) throw sourceErrors.playlistEmpty();
      const resolution: PagedPlaylist = {
        kind: 'playlist',
        title: list.title,
        tracks: list.tracks.map(retag),
        skipped: list.skipped,
      };
      return resolution;
    }
    const { track, format } = await explain(client.video(query.url.href, signal));
    const tagged = retag(track);
    await this.streamer?.remember(tagged.id, format);
    return { kind: 'track', track: tagged };
  }

  async stream(track: Track, options: StreamOptions): Promise<MediaStream> {
    this.client();
    return explain((this.streamer as YtDlpStreamer).open(track, options.signal));
  }

  async prepare(track: Track, signal: AbortSignal): Promise<void> {
    this.client();
    await explain((this.streamer as YtDlpStreamer).prepare(track, signal));
  }

  /** SoundCloud's related tracks for a track page (`<track page>/recommended`, yt-dlp's SoundcloudRelated). */
  async related(track: Track, signal: AbortSignal, limit = 25): Promise<Track[]> {
    const page = URL.canParse(track.url) ? new URL(track.url) : null;
    if (!page || !isSoundCloudUrl(page)) return [];
    page.search = '';
    const list = await explain(this.client().playlist(`${page.href.replace(/\/+$/, '')}/recommended`, signal, limit));
    return list.tracks.map(retag).filter((t) => t.id !== retag(track).id);
  }

  /** The first `limit` SoundCloud results for `text` (yt-dlp `scsearchN:`), as SoundCloud tracks. */
  async search(text: string, signal: AbortSignal, limit = 5): Promise<Track[]> {
    return (await explain(this.client().search(text, signal, limit, 'scsearch'))).map(retag);
  }

  /** The first SoundCloud result for a search (the fallback when YouTube refuses this server). */
  async firstResult(text: string, signal: AbortSignal): Promise<Track> {
    const [track] = await this.search(text, signal, 3);
    if (!track) throw sourceErrors.noResults();
    return track;
  }

  private client(): YtDlpClient {
    if (!this.options.client) throw sourceErrors.ytDlpMissing();
    return this.options.client;
  }
}

/**
 * The shared client tags results `youtube`; SoundCloud tracks must name this adapter so the registry
 * streams them here. Ids become `soundcloud:<page path>`, stable across URL spellings (m., query strings).
 */
function retag(track: Track): Track {
  const page = URL.canParse(track.url) ? new URL(track.url) : null;
  const id = page && isSoundCloudUrl(page) ? `soundcloud:${page.pathname.replace(/\/+$/, '').toLowerCase()}` : track.id;
  return { ...track, id, source: 'soundcloud' };
}
