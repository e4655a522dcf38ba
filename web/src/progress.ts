import type { Player } from './types.js';

/**
 * Where the track is now: the server's `positionMs` plus the time since that snapshot arrived while playing,
 * never past the track's length. `receivedAt` and `now` are from one clock (performance.now()).
 */
export function positionAt(player: Player, receivedAt: number, now: number): number {
  const base = Math.max(0, player.positionMs);
  const moving = player.status === 'playing' ? Math.max(0, now - receivedAt) : 0;
  const position = base + moving;
  const duration = player.track?.durationMs;
  return duration == null ? position : Math.min(position, duration);
}

/** `m:ss` (or `h:mm:ss`) for a duration in milliseconds; `live` when there is none. */
export function formatTime(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return 'live';
  const total = Math.floor(Math.max(0, ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The position a click at `x` on a bar from `left` spanning `width` pixels means, for a track of `durationMs`. */
export function seekTarget(x: number, left: number, width: number, durationMs: number): number {
  if (width <= 0) return 0;
  const ratio = Math.min(1, Math.max(0, (x - left) / width));
  return Math.round(ratio * durationMs);
}
