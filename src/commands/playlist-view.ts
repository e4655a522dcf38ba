import { escapeText, formatDuration, trackLength, plural } from '../core/format.js';
import type { SavedPlaylist } from '../core/saved-playlist.js';

/** How many tracks `/playlist show` lists (the rest are counted; `/playlist export` has them all). */
export const SHOW_LIMIT = 20;

const totalMs = (playlist: SavedPlaylist): number => playlist.tracks.reduce((sum, t) => sum + (t.durationMs ?? 0), 0);

/** `/playlist list`: the member's own playlists only (the caller passes the member's list). */
export function renderPlaylistList(playlists: readonly SavedPlaylist[], limit: number): string {
  if (playlists.length === 0)
    return '📭 You have no saved playlists yet. Save the queue with `/playlist save name:<name>`.';
  const lines = playlists.map(
    (p) => `• **${escapeText(p.name)}** · ${plural(p.tracks.length, 'track')} · ${formatDuration(totalMs(p))}`,
  );
  return [`📂 **Your saved playlists** (${playlists.length}/${limit}):`, ...lines].join('\n');
}

/** `/playlist show`: the first SHOW_LIMIT tracks with their lengths. */
export function renderPlaylist(playlist: SavedPlaylist): string {
  const shown = playlist.tracks.slice(0, SHOW_LIMIT).map((track, i) => {
    const length = trackLength(track);
    const artist = track.artist ? ` · ${escapeText(track.artist, 60)}` : '';
    return `\`${i + 1}.\` ${escapeText(track.title, 80)}${artist}${length ? ` \`${length}\`` : ''}`;
  });
  const more =
    playlist.tracks.length > SHOW_LIMIT
      ? [`…and ${playlist.tracks.length - SHOW_LIMIT} more (\`/playlist export\` has them all).`]
      : [];
  return [
    `📂 **${escapeText(playlist.name)}** · ${plural(playlist.tracks.length, 'track')} · ${formatDuration(totalMs(playlist))}`,
    ...shown,
    ...more,
  ].join('\n');
}
