import { UserError } from '../../core/errors.js';
import type { Track } from '../../core/track.js';
import type {
  MediaStream,
  PagedPlaylist,
  PreparableSource,
  Query,
  Resolution,
  StreamOptions,
} from '../../ports/source.js';
import { MAX_PLAYLIST } from '../../core/limits.js';
import { sourceErrors } from '../source-errors.js';
import type { MatchedStreamer } from './youtube-matcher.js';

/** The fields of play-dl's `DeezerTrack` we read. */
export interface DeezerTrackData {
  readonly type: 'track';
  readonly id: number;
  readonly title: string;
  readonly url: string;
  readonly durationInSec: number;
  readonly artist: { readonly name: string };
  readonly album?: { readonly cover?: { readonly medium?: string } };
}

/** The part of play-dl's `DeezerPlaylist` / `DeezerAlbum` we use. */
export interface DeezerCollectionData {
  readonly type: 'playlist' | 'album';
  readonly id: number;
  readonly title: string;
  readonly url: string;
  readonly tracksCount: number;
  /** What the first response listed. */
  readonly tracks: readonly DeezerTrackData[];
  /** Every track (more requests when the first response was not complete). */
  all_tracks(): Promise<readonly DeezerTrackData[]>;
}

/** play-dl's `deezer(url)`, behind an interface so tests hand recorded responses. */
export interface DeezerApi {
  load(url: string): Promise<DeezerTrackData | DeezerCollectionData>;
}

export interface DeezerSourceOptions {
  readonly api: DeezerApi;
  readonly streamer: MatchedStreamer;
  readonly maxPlaylist?: number;
}

const DEEZER_HOSTS = /^(?:www\.)?deezer\.com$|^deezer\.page\.link$|^link\.deezer\.com$/i;

/** A `DeezerApi` over the real play-dl (loaded on first use). Deezer's public API needs no credentials. */
export function createDeezerApi(): DeezerApi {
  return {
    async load(url: string) {
      const playDl = await import('play-dl');
      return (await playDl.deezer(url)) as unknown as DeezerTrackData | DeezerCollectionData;
    },
  };
}

/**
 * Deezer tracks, albums and playlists (including deezer.page.link share links): metadata through play-dl,
 * audio from the best YouTube match, found lazily like Spotify's.
 */
export class DeezerSource implements PreparableSource {
  readonly name = 'deezer' as const;

  constructor(private readonly options: DeezerSourceOptions) {}

  canHandle(query: Query): boolean {
    return query.kind === 'url' && /^https?:$/.test(query.url.protocol) && DEEZER_HOSTS.test(query.url.hostname);
  }

  async resolve(query: Query, signal: AbortSignal): Promise<Resolution> {
    if (query.kind !== 'url') throw new UserError('UNSUPPORTED_QUERY');
    const isShare = !/deezer\.com$/i.test(query.url.hostname);
    if (!isShare && !/\/(?:[a-z]{2}\/)?(?:track|album|playlist)\/\d+/.test(query.url.pathname)) {
      throw sourceErrors.linkKindUnsupported('Deezer');
    }
    signal.throwIfAborted();
    const item = await this.load(query.url.href);
    signal.throwIfAborted();
    if (item.type === 'track') return { kind: 'track', track: deezerTrack(item) };
    return this.collection(item);
  }

  stream(track: Track, options: StreamOptions): Promise<MediaStream> {
    return this.options.streamer.stream(track, options);
  }

  prepare(track: Track, signal: AbortSignal): Promise<void> {
    return this.options.streamer.prepare(track, signal);
  }

  private collection(item: DeezerCollectionData): PagedPlaylist {
    const cap = this.options.maxPlaylist ?? MAX_PLAYLIST;
    const tracks = item.tracks.slice(0, cap).map(deezerTrack);
    const total = Math.min(item.tracksCount, cap);
    if (tracks.length === 0 && total === 0) throw sourceErrors.playlistEmpty();
    // play-dl pages a long playlist from index 100 whatever the first response held, so later pages
    // overlap it: only tracks after the ones already listed are new.
    const more = async (signal: AbortSignal): Promise<readonly Track[]> => {
      const all = await item.all_tracks();
      signal.throwIfAborted();
      const listed = new Set(item.tracks.map((t) => t.id));
      return all
        .filter((t) => !listed.has(t.id))
        .slice(0, Math.max(0, cap - tracks.length))
        .map(deezerTrack);
    };
    return { kind: 'playlist', title: item.title, tracks, total, ...(total > tracks.length ? { more } : {}) };
  }

  private async load(url: string): Promise<DeezerTrackData | DeezerCollectionData> {
    try {
      return await this.options.api.load(url);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      if (/DataException|no data|not a Deezer/i.test(text)) {
        throw sourceErrors.linkDead('Deezer');
      }
      throw error;
    }
  }
}

export function deezerTrack(data: DeezerTrackData): Track {
  const cover = data.album?.cover?.medium;
  return {
    id: `deezer:${data.id}`,
    source: 'deezer',
    title: data.title.slice(0, 200),
    url: data.url || `https://www.deezer.com/track/${data.id}`,
    durationMs: data.durationInSec > 0 ? data.durationInSec * 1000 : null,
    ...(data.artist?.name ? { artist: data.artist.name } : {}),
    ...(cover ? { thumbnailUrl: cover } : {}),
  };
}
