/**
 * Canonical keys and playlist de-duplication.
 *
 * The same YouTube video arrives under many spellings (youtu.be/ID, watch?v=ID&t=30s, music.youtube.com,
 * shorts/ID, embed/ID …); keys collapse them to `youtube:<id>` so a playlist is not queued twice, and so
 * the song cache hits whatever spelling a user pasted. Everything here is pure and never throws.
 */
import type { Track } from './track.js';
import { MAX_PLAYLIST } from './limits.js';
import type { Query } from './query.js';

const VIDEO_ID = /^[A-Za-z0-9_-]{11}$/;
const PATH_ID = /^\/(?:shorts|embed|live|v|e)\/([A-Za-z0-9_-]{11})(?:[/?#]|$)/;

/** Parses `input` as a URL, tolerating a missing scheme (`youtu.be/…`); `null` when hopeless. */
function toUrl(input: string | URL): URL | null {
  if (input instanceof URL) return input;
  const text = input.trim();
  for (const candidate of [text, `https://${text}`]) {
    try {
      const url = new URL(candidate);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url;
    } catch {
      // try the next spelling
    }
  }
  return null;
}

const isYoutubeHost = (host: string): boolean =>
  host === 'youtube.com' ||
  host.endsWith('.youtube.com') ||
  host === 'youtube-nocookie.com' ||
  host.endsWith('.youtube-nocookie.com');

/** The 11-character video id of any YouTube / YouTube Music URL spelling, or `null`. */
export function youtubeVideoId(input: string | URL): string | null {
  const url = toUrl(input);
  if (!url) return null;
  const host = url.hostname.toLowerCase();
  if (host === 'youtu.be' || host === 'www.youtu.be') {
    const id = url.pathname.split('/')[1] ?? '';
    return VIDEO_ID.test(id) ? id : null;
  }
  if (!isYoutubeHost(host)) return null;
  const v = url.searchParams.get('v');
  if (url.pathname === '/watch' && v !== null) return VIDEO_ID.test(v) ? v : null;
  return PATH_ID.exec(url.pathname)?.[1] ?? null;
}

/** The `list=` id of a YouTube playlist URL (`/playlist?list=…` or a watch URL inside a list), or `null`. */
export function youtubePlaylistId(input: string | URL): string | null {
  const url = toUrl(input);
  if (!url || !isYoutubeHost(url.hostname.toLowerCase())) return null;
  const list = url.searchParams.get('list');
  return list !== null && /^[A-Za-z0-9_-]{2,64}$/.test(list) ? list : null;
}

/** The identity used for de-duplication: `youtube:<id>` when the track is a YouTube video, else `id`. */
export function canonicalTrackKey(track: Pick<Track, 'id' | 'url'>): string {
  const fromId = /^youtube:([A-Za-z0-9_-]{11})$/.exec(track.id)?.[1];
  const id = fromId ?? youtubeVideoId(track.url);
  return id ? `youtube:${id}` : track.id;
}

/** Lower-cased, NFKC-normalised, whitespace-collapsed search text, so trivial variants share a key. */
export const normaliseSearchText = (text: string): string =>
  text.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * Cache key for a query. A watch URL inside a list keys on the video (expanding the list is the
 * caller's decision). Fragments never matter; attachment keys drop Discord's expiring signature params.
 */
export function canonicalQueryKey(query: Query): string {
  if (query.kind === 'search') return `search:${normaliseSearchText(query.text)}`;
  const video = youtubeVideoId(query.url);
  if (video) return `youtube:${video}`;
  const list = youtubePlaylistId(query.url);
  if (list && query.url.pathname === '/playlist') return `youtube:playlist:${list}`;
  const url = new URL(query.url.href);
  url.hash = '';
  if (query.kind === 'attachment') return `attachment:${url.origin}${url.pathname}`;
  return `url:${url.href}`;
}

export interface DedupOptions {
  /** Canonical keys already queued (see `canonicalTrackKey`); matches count as duplicates. */
  readonly existingKeys?: ReadonlySet<string>;
  /** Most tracks to add (default `MAX_PLAYLIST`); clamped to ≥ 0. */
  readonly cap?: number;
}

export interface DedupResult<T> {
  /** Tracks to add, in playlist order; length === `added`. */
  readonly tracks: T[];
  readonly added: number;
  /** Repeats within the playlist or of `existingKeys`. */
  readonly duplicates: number;
  /** Unique new tracks dropped because the cap was reached. */
  readonly overCap: number;
}

/**
 * Walks the playlist once, in order: a repeat counts as a duplicate; otherwise the track is added
 * while under the cap and counted `overCap` after. Invariant: added + duplicates + overCap = input length.
 */
export function dedupePlaylist<T extends Pick<Track, 'id' | 'url'>>(
  tracks: readonly T[],
  options: DedupOptions = {},
): DedupResult<T> {
  const cap = Math.max(0, Math.floor(options.cap ?? MAX_PLAYLIST));
  const seen = new Set<string>();
  const kept: T[] = [];
  let duplicates = 0;
  let overCap = 0;
  for (const track of tracks) {
    const key = canonicalTrackKey(track);
    if (seen.has(key) || options.existingKeys?.has(key)) {
      duplicates++;
    } else if (kept.length < cap) {
      seen.add(key);
      kept.push(track);
    } else {
      seen.add(key);
      overCap++;
    }
  }
  return { tracks: kept, added: kept.length, duplicates, overCap };
}

/** Canonical keys of tracks already queued, for `DedupOptions.existingKeys`. */
export const canonicalKeys = (tracks: Iterable<Pick<Track, 'id' | 'url'>>): Set<string> =>
  new Set(Array.from(tracks, canonicalTrackKey));
