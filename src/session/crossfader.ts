import type { QueuedTrack } from '../core/track.js';
import type { Clock, TimerHandle } from '../ports/clock.js';
import type { SerialRunner } from './serial.js';
import type { SessionState } from './session-state.js';

/** Shortest overlap worth mixing: a track found nearer its end than this just runs on gaplessly. */
export const MIN_FADE_MS = 500;
/** How often the fade point is looked at again while the next track is still opening or playback is paused. */
const RETRY_MS = 100;
/** The overlap starts once at most this much more than the fade is left (timers and frames are not exact). */
const SLACK_MS = 30;

/**
 * The crossfade's own state (one union, as the preloader's):
 * - `idle`: crossfade is off, or the current track has no known length (a live stream), or it is too late;
 * - `waiting`: a timer looks at the current track `entryId` at its fade point (again while the next track is
 *   still opening or playback is paused). When it is due and the next track is ready, `begin` starts the
 *   overlap; the next track's own start schedules the following fade.
 */
export type CrossfadeState =
  | { readonly status: 'idle' }
  | { readonly status: 'waiting'; readonly entryId: number; readonly timer: TimerHandle };

export interface CrossfaderDeps {
  readonly clock: Clock;
  readonly serial: SerialRunner;
  /** The guild's setting, 0-12 s (0: off, gapless as before). */
  readonly seconds: () => number;
  readonly session: () => SessionState;
  /** The current track's position in track time. */
  readonly elapsedMs: () => number;
  readonly upcoming: () => QueuedTrack | null;
  /** Whether `next` is opened and the overlap can start now. */
  readonly ready: (next: QueuedTrack) => boolean;
  /** Starts the overlap into `next` (serial). */
  readonly begin: (next: QueuedTrack, fadeMs: number) => void;
}

/**
 * How long the overlap from `a` into `b` lasts, in played milliseconds: the setting, shortened so neither
 * track is more than half overlap (a track shorter than twice the fade shortens it); 0 when either has no known
 * length or is live (they are never crossfaded). `speed`: track ms per played ms (a filter's).
 */
export function fadeFor(settingMs: number, a: QueuedTrack, b: QueuedTrack | null, speed = 1): number {
  const half = (t: QueuedTrack | null) =>
    t === null || t.isLive === true || t.durationMs === null ? 0 : t.durationMs / speed / 2;
  return Math.max(0, Math.floor(Math.min(settingMs, half(a), b === null ? settingMs : half(b))));
}

/** Starts each track's overlap with the next one at the right moment; see CrossfadeState. */
export class Crossfader {
  private current: CrossfadeState = { status: 'idle' };

  constructor(private readonly deps: CrossfaderDeps) {}

  get state(): CrossfadeState {
    return this.current;
  }

  /** A track started, was restyled, or the setting changed: time the current track's fade point again. */
  schedule(): void {
    const state = this.deps.session();
    if (state.status !== 'playing' && state.status !== 'paused') return this.stop();
    const fade = fadeFor(this.deps.seconds() * 1000, state.entry, null, state.speed);
    if (fade < MIN_FADE_MS || state.entry.durationMs === null) return this.stop();
    const left = this.leftMs(state);
    this.wait(state.entry.entryId, Math.max(0, left - fade));
  }

  stop(): void {
    this.setState({ status: 'idle' });
  }

  /** The timer: start the overlap if it is due and possible, else look again later or give up. */
  private check(entryId: number): void {
    if (this.current.status !== 'waiting' || this.current.entryId !== entryId) return;
    const state = this.deps.session();
    if ((state.status !== 'playing' && state.status !== 'paused') || state.entry.entryId !== entryId)
      return this.stop();
    const next = this.deps.upcoming();
    const fade = fadeFor(this.deps.seconds() * 1000, state.entry, next, state.speed);
    const left = this.leftMs(state);
    if (next === null || fade < MIN_FADE_MS) return this.stop(); // the queue ends (or a live/unknown next): as before
    if (left > fade + SLACK_MS) return this.wait(entryId, left - fade);
    if (left < MIN_FADE_MS) return this.stop();
    if (state.status === 'paused' || !this.deps.ready(next)) return this.wait(entryId, RETRY_MS);
    this.stop();
    this.deps.begin(next, Math.min(fade, left));
  }

  private leftMs(state: Extract<SessionState, { entry: QueuedTrack }>): number {
    return ((state.entry.durationMs ?? 0) - this.deps.elapsedMs()) / (state.speed ?? 1);
  }

  private wait(entryId: number, delayMs: number): void {
    const timer = this.deps.clock.setTimeout(() => void this.deps.serial.run(() => this.check(entryId)), delayMs);
    timer.unref?.();
    this.setState({ status: 'waiting', entryId, timer });
  }

  /** The one place state changes: a replaced timer is cleared. */
  private setState(state: CrossfadeState): void {
    const old = this.current;
    if (old.status === 'waiting' && (state.status !== 'waiting' || state.timer !== old.timer))
      this.deps.clock.clearTimeout(old.timer);
    this.current = state;
  }
}
