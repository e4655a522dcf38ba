import { UserError } from '../../core/errors.js';
import type { Track } from '../../core/track.js';
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
import { sourceErrors } from '../source-errors.js';
import type { MatchedStreamer } from './youtube-matcher.js';

/** The fields of play-dl's `SpotifyTrack` we read. */
export interface SpotifyTrackData {
  readonly type: 'track';
  readonly id: string | null;
  readonly name: string;
  readonly url: string | undefined;
  readonly durationInMs: number;
  readonly artists: readonly { readonly name: string }[];
  readonly playable?: boolean;
  readonly thumbnail?: { readonly url: string } | undefined;
}

/** The part of play-dl's `SpotifyPlaylist` / `SpotifyAlbum` we use (pages of 100 / 50 tracks). */
export interface SpotifyCollectionData {
  readonly type: 'playlist' | 'album';
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly tracksCount: number;
  readonly thumbnail?: { readonly url: string } | undefined;
  /** Fetches every page after the first (play-dl: all pages at once, failures swallowed). */
  fetch(): Promise<unknown>;
  /** Page `n` (1-based); throws when it was not fetched. */
  page(n: number): readonly SpotifyTrackData[] | undefined;
}

/** The play-dl calls we make, behind one function so tests hand recorded responses (see spotify-api.ts). */
export interface SpotifyApi {
  load(url: string): Promise<SpotifyTrackData | SpotifyCollectionData>;
}

export interface SpotifySourceOptions {
  /** `null` without SPOTIFY_CLIENT_ID/SECRET: links then get a message saying what to set. */
  readonly api: SpotifyApi | null;
  readonly streamer: MatchedStreamer;
  readonly maxPlaylist?: number;
  readonly logger?: Logger;
}

/** play-dl's page sizes and caps (it never fetches beyond them). */
const PAGING = { playlist: { size: 100, cap: 1000 }, album: { size: 50, cap: 500 } } as const;

/** `https://open.spotify.com/[intl-xx/]<type>/<id>` or `spotify:<type>:<id>` → type and id. */
export function parseSpotifyUrl(url: URL): { type: string; id: string } | null {
  if (url.protocol === 'spotify:') {
    const [type, id] = url.pathname.split(':');
    return type && id && /^[A-Za-z0-9]{10,40}$/.test(id) ? { type, id } : null;
  }
  if (!/^https?:$/.test(url.protocol) || url.hostname.toLowerCase() !== 'open.spotify.com') return null;
  const match = /^\/(?:intl-[a-z-]+\/)?([a-z]+)\/([A-Za-z0-9]{10,40})\/?$/.exec(url.pathname);
  return match ? { type: match[1] as string, id: match[2] as string } : null;
}

/**
 * Spotify tracks, albums and playlists: metadata through play-dl; audio from the YouTube upload that
 * best matches each track, found when the track is about to play (or is prepared ahead), never for a
 * whole 1,000-track playlist up front. The first page is returned at once; the rest is fetched by the
 * resolver at background priority.
 */
export class SpotifySource implements PreparableSource {
  readonly name = 'spotify' as const;

  constructor(private readonly options: SpotifySourceOptions) {}

  canHandle(query: Query): boolean {
    if (query.kind !== 'url') return false;
    return query.url.protocol === 'spotify:' || query.url.hostname.toLowerCase() === 'open.spotify.com';
  }

  async resolve(query: Query, signal: AbortSignal): Promise<Resolution> {
    if (query.kind !== 'url') throw new UserError('UNSUPPORTED_QUERY');
    if (!this.options.api)
      throw sourceErrors.notConfigured(
        'Spotify',
        'SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET (free at developer.spotify.com)',
      );
    const parsed = parseSpotifyUrl(query.url);
    if (!parsed || !['track', 'album', 'playlist'].includes(parsed.type)) {
      throw sourceErrors.linkKindUnsupported('Spotify');
    }
    signal.throwIfAborted();
    const item = await this.load(`https://open.spotify.com/${parsed.type}/${parsed.id}`);
    signal.throwIfAborted();
    if (item.type === 'track') {
      const track = spotifyTrack(item);
      if (!track) throw sourceErrors.formatUnsupported('that Spotify track: it is not available');
      return { kind: 'track', track };
    }
    return this.collection(item);
  }

  stream(track: Track, options: StreamOptions): Promise<MediaStream> {
    return this.options.streamer.stream(track, options);
  }

  prepare(track: Track, signal: AbortSignal): Promise<void> {
    return this.options.streamer.prepare(track, signal);
  }

  private collection(item: SpotifyCollectionData): PagedPlaylist {
    const first = item.page(1) ?? [];
    const tracks = first.map(spotifyTrack).filter((t): t is Track => t !== null);
    const paging = PAGING[item.type];
    const total = Math.min(item.tracksCount, paging.cap, this.options.maxPlaylist ?? MAX_PLAYLIST);
    if (tracks.length === 0 && total <= paging.size) throw sourceErrors.playlistEmpty();
    const more = async (signal: AbortSignal): Promise<readonly Track[]> => {
      await item.fetch();
      signal.throwIfAborted();
      return this.laterPages(item, Math.ceil(total / paging.size));
    };
    return {
      kind: 'playlist',
      title: item.name,
      tracks,
      skipped: first.length - tracks.length,
      total,
      ...(total > paging.size ? { more } : {}),
    };
  }

  /** Pages 2…n in order (play-dl stores them in completion order and drops failed ones silently). */
  private laterPages(item: SpotifyCollectionData, pages: number): Track[] {
    const out: Track[] = [];
    for (let n = 2; n <= pages; n++) {
      let page: readonly SpotifyTrackData[] | undefined;
      try {
        page = item.page(n);
      } catch {
        page = undefined;
      }
      if (!page) this.options.logger?.warn({ playlist: item.id, page: n }, 'spotify page missing');
      for (const data of page ?? []) {
        const track = spotifyTrack(data);
        if (track) out.push(track);
      }
    }
    return out;
  }

  /** play-dl reports failures as plain Errors with the HTTP status in the text. */
  private async load(url: string): Promise<SpotifyTrackData | SpotifyCollectionData> {
    try {
      return await (this.options.api as SpotifyApi).load(url);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      if (/Got 40[04]\b/.test(text)) throw sourceErrors.linkDead('Spotify');
      if (/Got 401\b|Spotify Data is missing|invalid_client/i.test(text)) {
        throw sourceErrors.credentialsRejected(
          'Spotify',
          'SPOTIFY_CLIENT_ID / SPOTIFY_CLIENT_SECRET (and SPOTIFY_REFRESH_TOKEN if set)',
        );
      }
      throw error;
    }
  }
}

/** A play-dl Spotify track as ours (`null` for unplayable entries: local files, removed tracks). */
export function spotifyTrack(data: SpotifyTrackData): Track | null {
  if (!data.id || !data.name || data.playable === false) return null;
  const artist = data.artists
    .map((a) => a.name)
    .filter(Boolean)
    .join(', ');
  return {
    id: `spotify:${data.id}`,
    source: 'spotify',
    title: data.name.slice(0, 200),
    url: data.url ?? `https://open.spotify.com/track/${data.id}`,
    durationMs: Number.isFinite(data.durationInMs) && data.durationInMs > 0 ? data.durationInMs : null,
    ...(artist ? { artist } : {}),
    ...(data.thumbnail?.url ? { thumbnailUrl: data.thumbnail.url } : {}),
  };
}
