/**
 * Mapping yt-dlp's info JSON to `Track`s: a full video (`--dump-single-json`), flat playlist entries
 * (`--flat-playlist`: `_type: "url"` stubs with id/title/duration), `ytsearchN:` results (a playlist of
 * such stubs) and YouTube Music (music metadata, "Artist - Topic" channels).
 *
 * Invariants: pure; never throws on odd JSON — an unusable entry is skipped and counted; a track's `url`
 * is always its page (never the signed media URL, which expires); YouTube ids become `youtube:<id>`,
 * matching `canonicalTrackKey`; other extractors key on the canonical page URL.
 */
import type { SourceName, Track } from '../../core/track.js';
import { YtDlpError } from './ytdlp-errors.js';

type Json = Record<string, unknown>;

export interface YtDlpPlaylist {
  readonly id: string | null;
  readonly title: string;
  readonly tracks: Track[];
  /** Entries dropped: private/deleted videos, nested playlists/channels, entries without an id. */
  readonly skipped: number;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const YOUTUBE_ID = /^[A-Za-z0-9_-]{11}$/;
/** Placeholders YouTube puts in playlists for videos we cannot play. */
const PLACEHOLDER_TITLES = /^\[(?:Private|Deleted|Unavailable) video\]$/i;
const UNPLAYABLE = new Set(['private', 'needs_auth', 'subscriber_only', 'premium_only']);

/** Parses yt-dlp's stdout; anything but one JSON object is a `bad-output` failure. */
export function parseYtDlpJson(stdout: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch {
    throw new YtDlpError('bad-output', 'yt-dlp printed something that is not JSON');
  }
  if (!isObject(value)) throw new YtDlpError('bad-output', 'yt-dlp printed JSON that is not an object');
  return value;
}

const isYoutube = (info: Json): boolean =>
  /^youtube/i.test(str(info['ie_key']) ?? str(info['extractor_key']) ?? 'youtube');

/** The page URL: `webpage_url`, a flat entry's `url`, or rebuilt from a YouTube id. */
function pageUrl(info: Json, id: string): string | undefined {
  const isStub = info['_type'] === 'url' || info['_type'] === 'url_transparent';
  const candidates = [info['webpage_url'], isStub ? info['url'] : undefined, info['original_url']];
  const found = candidates.map(str).find((u) => u !== undefined && /^https?:\/\//i.test(u));
  if (found) return found;
  return isYoutube(info) && YOUTUBE_ID.test(id) ? `https://www.youtube.com/watch?v=${id}` : undefined;
}

/** Music credit first (YouTube Music), then the channel without YouTube's " - Topic" suffix. */
function artistOf(info: Json): string | undefined {
  const artists = Array.isArray(info['artists']) ? info['artists'].map(str).filter((a) => a !== undefined) : [];
  const credited = str(info['artist']) ?? (artists.length > 0 ? artists.join(', ') : undefined) ?? str(info['creator']);
  const channel = str(info['channel']) ?? str(info['uploader']);
  return credited ?? channel?.replace(/\s+-\s+Topic$/, '');
}

/** `thumbnail`, else the widest of `thumbnails[]` (flat entries only carry the list). */
function thumbnailOf(info: Json): string | undefined {
  const direct = str(info['thumbnail']);
  if (direct) return direct;
  const list = Array.isArray(info['thumbnails']) ? info['thumbnails'].filter(isObject) : [];
  const widest = list
    .filter((t) => str(t['url']) !== undefined)
    .sort((a, b) => (Number(a['width']) || 0) - (Number(b['width']) || 0))
    .at(-1);
  return widest ? str(widest['url']) : undefined;
}

const isLive = (info: Json): boolean => info['is_live'] === true || info['live_status'] === 'is_live';

function durationMsOf(info: Json): number | null {
  const seconds = info['duration'];
  if (isLive(info) || typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return null;
  return Math.round(seconds * 1000);
}

/**
 * A `Track` from a full video info or a flat entry, or `null` when it cannot be played (no id,
 * placeholder title, private/members-only, a nested playlist or channel).
 */
export function trackFromInfo(info: unknown, source: SourceName = 'youtube'): Track | null {
  if (!isObject(info) || info['_type'] === 'playlist') return null;
  const id = str(info['id']);
  const title = str(info['title']) ?? str(info['track']);
  if (!id || !title || PLACEHOLDER_TITLES.test(title)) return null;
  if (UNPLAYABLE.has(String(info['availability']))) return null;
  if (/tab|playlist|channel/i.test(str(info['ie_key']) ?? '')) return null;
  const url = pageUrl(info, id);
  if (!url) return null;
  const youtube = isYoutube(info) && YOUTUBE_ID.test(id);
  const artist = artistOf(info);
  const thumbnailUrl = thumbnailOf(info);
  return {
    id: youtube ? `youtube:${id}` : url,
    source,
    title,
    url,
    durationMs: durationMsOf(info),
    ...(artist ? { artist } : {}),
    ...(thumbnailUrl ? { thumbnailUrl } : {}),
    ...(isLive(info) ? { isLive: true } : {}),
  };
}

/** The tracks of a (flat) playlist, in order, with a count of what was skipped. */
export function playlistFromInfo(info: unknown, source: SourceName = 'youtube'): YtDlpPlaylist {
  const json = isObject(info) ? info : {};
  const entries = Array.isArray(json['entries']) ? json['entries'] : [];
  const tracks: Track[] = [];
  for (const entry of entries) {
    const track = trackFromInfo(entry, source);
    if (track) tracks.push(track);
  }
  return {
    id: str(json['id']) ?? null,
    title: str(json['title']) ?? 'Playlist',
    tracks,
    skipped: entries.length - tracks.length,
  };
}

/** `ytsearchN:` output: the playable results, best first (yt-dlp keeps YouTube's order). */
export function searchResultsFromInfo(info: unknown, source: SourceName = 'youtube'): Track[] {
  return playlistFromInfo(info, source).tracks;
}

/** True when the JSON describes a playlist (or search results) rather than one video. */
export const isPlaylistInfo = (info: unknown): boolean => isObject(info) && info['_type'] === 'playlist';
