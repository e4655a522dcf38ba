/**
 * Choosing what autoplay queues. Pure. A candidate is refused when it is a track already played recently
 * (the history, ~50 entries), queued or playing, either by its dedup key (`canonicalTrackKey`: the same video
 * under another URL spelling) or by its song key (the same song under another id: a re-upload, the
 * "Official Audio" next to the "Official Video", an "Artist - Topic" copy).
 */
import { canonicalTrackKey } from './dedup.js';
import type { Track } from './track.js';

/** Words that describe the upload rather than the song. */
const NOISE = new Set([
  'official',
  'video',
  'audio',
  'music',
  'lyric',
  'lyrics',
  'hd',
  'hq',
  '4k',
  'remaster',
  'remastered',
  'version',
  'visualizer',
  'mv',
  'topic',
  'vevo',
  'feat',
  'ft',
  'the',
  'a',
  'and',
  'x',
]);

/**
 * The song a track is, whatever the upload: the title without an "Artist - " prefix, bracketed remarks
 * ("(Official Audio)", "[4K Remaster]") and upload noise, as lower-case words. The artist field is left out
 * on purpose: uploads of one song carry different channel names ("Queen Official", "Queen - Topic").
 */
export function songKey(track: Pick<Track, 'title' | 'artist'>): string {
  const title = /^.+?\s+[-–—]\s+(.+)$/.exec(track.title)?.[1] ?? track.title;
  const words = title
    .replace(/[([{][^)\]}]*[)\]}]/g, ' ')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0 && !NOISE.has(w));
  return words.length > 0 ? words.join(' ') : track.title.toLowerCase();
}

export interface PlayedKeys {
  readonly ids: ReadonlySet<string>;
  readonly songs: ReadonlySet<string>;
}

/** The keys of everything that must not be picked again. */
export function playedKeys(tracks: Iterable<Pick<Track, 'id' | 'url' | 'title' | 'artist'>>): PlayedKeys {
  const ids = new Set<string>();
  const songs = new Set<string>();
  for (const track of tracks) {
    ids.add(canonicalTrackKey(track));
    songs.add(songKey(track));
  }
  return { ids, songs };
}

/** The first candidate (related lists come best first) that is neither a played track nor a played song. */
export function pickAutoplay<T extends Track>(candidates: readonly T[], played: PlayedKeys): T | null {
  for (const candidate of candidates) {
    if (candidate.isLive === true) continue;
    if (played.ids.has(canonicalTrackKey(candidate)) || played.songs.has(songKey(candidate))) continue;
    return candidate;
  }
  return null;
}
