/**
 * Saved playlists as pure data: the name rules, the stored record, and the M3U a playlist exports to.
 * No I/O here; the store adapter (src/settings/playlist-store.ts) persists these records.
 */
import { UserError } from './errors.js';
import type { Track } from './track.js';

export const PLAYLIST_NAME_MAX = 32;

/** Letters and digits of any script, spaces and a few separators; no markup characters, no control codes. */
const NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} ._'&()-]*$/u;

/** Current record format; bump and migrate in `readRecord` when the shape changes. */
export const SAVED_PLAYLIST_VERSION = 1;

export interface SavedPlaylist {
  readonly version: typeof SAVED_PLAYLIST_VERSION;
  /** As the member typed it (trimmed, inner whitespace collapsed). */
  readonly name: string;
  readonly tracks: readonly Track[];
  /** Epoch ms. */
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * The name as stored and shown, or PLAYLIST_BAD_NAME. Names compare case-insensitively (`nameKey`), so
 * "Road Trip" and "road trip" are one playlist.
 */
export function validPlaylistName(raw: string): string {
  const name = raw.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (name.length === 0 || name.length > PLAYLIST_NAME_MAX || !NAME_PATTERN.test(name))
    throw new UserError('PLAYLIST_BAD_NAME');
  return name;
}

export const nameKey = (name: string): string => name.toLocaleLowerCase('en-US');

const TRACK_KEYS = [
  'id',
  'source',
  'title',
  'url',
  'durationMs',
  'artist',
  'thumbnailUrl',
  'isLive',
] as const satisfies readonly (keyof Track)[];

/** A track reduced to its `Track` fields (a queue entry's requester and ids are not part of a playlist). */
export function plainTrack(track: Track): Track {
  const out: Record<string, unknown> = {};
  for (const key of TRACK_KEYS) if (track[key] !== undefined) out[key] = track[key];
  return out as unknown as Track;
}

/** A record read from the store, checked field by field; anything malformed reads as absent. */
export function readRecord(value: unknown): SavedPlaylist | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Partial<SavedPlaylist>;
  if (record.version !== SAVED_PLAYLIST_VERSION || typeof record.name !== 'string' || !Array.isArray(record.tracks))
    return undefined;
  const tracks = record.tracks.filter(isTrack).map(plainTrack);
  return {
    version: SAVED_PLAYLIST_VERSION,
    name: record.name,
    tracks,
    createdAt: Number(record.createdAt) || 0,
    updatedAt: Number(record.updatedAt) || 0,
  };
}

function isTrack(value: unknown): value is Track {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Partial<Track>;
  return (
    typeof t.id === 'string' &&
    typeof t.source === 'string' &&
    typeof t.title === 'string' &&
    typeof t.url === 'string' &&
    (t.durationMs === null || typeof t.durationMs === 'number')
  );
}

/** Extended M3U (what `/play file:` imports back): `#EXTINF:<seconds>,<artist> - <title>` then the URL. */
export function toM3u(playlist: SavedPlaylist): string {
  const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ').trim();
  const lines = ['#EXTM3U', `#PLAYLIST:${oneLine(playlist.name)}`];
  for (const track of playlist.tracks) {
    const seconds = track.durationMs === null ? -1 : Math.round(track.durationMs / 1000);
    const label = track.artist ? `${oneLine(track.artist)} - ${oneLine(track.title)}` : oneLine(track.title);
    lines.push(`#EXTINF:${seconds},${label}`, oneLine(track.url));
  }
  return `${lines.join('\n')}\n`;
}

/** A file name for the export: the playlist name with anything unusual replaced. */
export const m3uFileName = (name: string): string =>
  `${name.replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(0, PLAYLIST_NAME_MAX) || 'playlist'}.m3u`;
