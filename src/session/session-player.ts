import type { FilterPreset } from '../core/audio-filter.js';
import type { QueuedTrack } from '../core/track.js';
import { Crossfader } from './crossfader.js';
import { Playback } from './playback.js';
import { Preloader } from './preloader.js';
import type { SerialRunner } from './serial.js';
import type { SessionSound } from './session-sound.js';
import type { SessionState } from './session-state.js';
import type { SessionDeps } from './session-types.js';

/** What the player's parts read from their session (always its current values, never copies). */
export interface PlayerHost {
  state(): SessionState;
  volume(): number;
  filter(): FilterPreset;
  /** The crossfade timer found the fade point with the next track open (serial). */
  crossfadeInto(next: QueuedTrack, fadeMs: number): void;
}

/** The three state machines that play one session's tracks; the session wires their events. */
export interface SessionPlayer {
  readonly playback: Playback;
  /** Gapless: opens the next track shortly before the current one ends. */
  readonly preloader: Preloader;
  /** Starts each track's overlap with the next at its fade point. */
  readonly crossfader: Crossfader;
}

/**
 * Builds a session's player parts once, around one serial runner. The preloader opens the next track exactly
 * as playback would open it (same volume, filter and gain), and earlier by the crossfade, so that a held
 * track is the one wanted and is ready at the fade point.
 */
export function assemblePlayer(
  deps: SessionDeps,
  serial: SerialRunner,
  sound: SessionSound | undefined,
  host: PlayerHost,
): SessionPlayer {
  const crossfadeMs = () => (deps.crossfadeSeconds?.() ?? 0) * 1000;
  const preloader: Preloader = new Preloader({
    ...deps,
    style: (entry) => playback.style(entry),
    options: (entry, signal) => playback.loadOptions(entry, 0, signal),
    session: () => host.state(),
    upcoming: () => deps.queue.peekNext(),
    extraLeadMs: crossfadeMs,
  });
  const crossfader = new Crossfader({
    clock: deps.clock,
    serial,
    seconds: () => crossfadeMs() / 1000,
    session: () => host.state(),
    elapsedMs: () => playback.elapsedMs(),
    upcoming: () => deps.queue.peekNext(),
    ready: (next) => playback.canCrossfadeInto(next),
    begin: (next, fadeMs) => host.crossfadeInto(next, fadeMs),
  });
  const playback: Playback = new Playback({
    ...deps,
    serial,
    textChannelId: () => deps.textChannelId,
    volume: () => host.volume(),
    filter: () => host.filter(),
    ...(sound ? { normalization: (entry: QueuedTrack) => sound.options(entry) } : {}),
    preloader,
  });
  return { playback, preloader, crossfader };
}
