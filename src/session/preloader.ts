import { EventEmitter } from 'node:events';
import type { QueuedTrack } from '../core/track.js';
import type { Clock, TimerHandle } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { PreparedAudio, VoiceLink } from '../ports/voice.js';
import type { SessionState } from './session-state.js';
import type { LoadOptions, TrackLoader } from './track-loader.js';

/** How long before the end of a track the next one is opened (enough for yt-dlp and ffmpeg to start). */
export const PRELOAD_LEAD_MS = 10_000;

/** The next track, opened ahead of time so it starts the moment the current one ends. */
export interface PreparedNext {
  readonly entry: QueuedTrack;
  /** How it sounds (volume, filter, gain): a held track of another style is not the one wanted. */
  readonly style: string;
  /** Aborting it releases the stream being opened. */
  readonly abort: AbortController;
  readonly audio: Promise<PreparedAudio>;
}

/**
 * Gapless playback's own state (the @discordjs/voice pattern: one union, one `stateChange` event):
 * - `idle`: the current track is not near its end (or its length is unknown and its source still sends);
 * - `waiting`: a timer opens the window PRELOAD_LEAD_MS before the known end of `entryId`;
 * - `armed`: the window is open (timer, or the source was read to the end) but nothing is being opened
 *   (no next track, a live one, or not playing right now); the next queue change looks again;
 * - `opening` / `ready` / `failed`: armed, with the next track loading, loaded, or failed to load (playback
 *   then loads it once more when its turn comes).
 * Invariant: at most one next track is held; leaving a state that holds one for one that does not releases it,
 * except `take`, which hands it to playback.
 */
export type PreloadState =
  | { readonly status: 'idle' }
  | { readonly status: 'waiting'; readonly entryId: number; readonly timer: TimerHandle }
  | { readonly status: 'armed' }
  | { readonly status: 'opening' | 'failed'; readonly next: PreparedNext }
  | { readonly status: 'ready'; readonly next: PreparedNext; readonly audio: PreparedAudio };

export interface PreloaderDeps {
  readonly link: Pick<VoiceLink, 'seamless' | 'withdraw'>;
  readonly loader: TrackLoader;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The style a stream of `entry` opened now would have (see Playback.style). */
  readonly style: (entry: QueuedTrack) => string;
  /** The options playback would open `entry` with from its start. */
  readonly options: (entry: QueuedTrack, signal: AbortSignal) => LoadOptions;
  /** The session's playback state, read when the window opens. */
  readonly session: () => SessionState;
  /** The track that will play next, if any. */
  readonly upcoming: () => QueuedTrack | null;
  /** Opens the next track this much earlier (a crossfade starts its overlap that long before the end). */
  readonly extraLeadMs?: () => number;
}

type Events = { stateChange: [oldState: PreloadState, newState: PreloadState] };

const holds = (state: PreloadState): state is Extract<PreloadState, { next: PreparedNext }> => 'next' in state;

export class Preloader extends EventEmitter<Events> {
  private current: PreloadState = { status: 'idle' };

  constructor(private readonly deps: PreloaderDeps) {
    super();
  }

  get state(): PreloadState {
    return this.current;
  }

  /** Whether the window is open, so a queue change should look at the next track again. */
  get armed(): boolean {
    return this.current.status !== 'idle' && this.current.status !== 'waiting';
  }

  /**
   * A track started (or was reopened) at `offsetMs`, playing at `speed` (a nightcore track ends 1.25× sooner):
   * wait for its lead window when its length is known (else for `arm`).
   */
  trackStarted(entry: QueuedTrack, offsetMs: number, speed = 1): void {
    if (entry.durationMs === null || entry.isLive === true) return this.setState({ status: 'idle' });
    const lead = PRELOAD_LEAD_MS + (this.deps.extraLeadMs?.() ?? 0);
    const delay = Math.max(0, (entry.durationMs - offsetMs) / speed - lead);
    const timer = this.deps.clock.setTimeout(() => this.windowOpened(entry.entryId), delay);
    timer.unref?.();
    this.setState({ status: 'waiting', entryId: entry.entryId, timer });
  }

  /** Opens the window now (the source was read to the end, or the lead time came) and opens the next track. */
  arm(): void {
    const status = this.deps.session().status;
    const next = status === 'playing' || status === 'paused' ? this.deps.upcoming() : null;
    if (next && next.isLive !== true) return this.open(next);
    // Nothing to open now: keep what is held (the queue may still bring it back), else just stay armed.
    if (!holds(this.current)) this.setState({ status: 'armed' });
  }

  /** After a queue change: if the window is open, the next track may be a different one. */
  refresh(): void {
    if (this.armed) this.arm();
  }

  /** Hands the held track to playback when it is `entry` from the start in `style`; else drops it. */
  take(entry: QueuedTrack, offsetMs: number, style: string): PreparedNext | undefined {
    if (!holds(this.current)) return undefined;
    const { next } = this.current;
    const matches = next.entry.entryId === entry.entryId && offsetMs === 0 && next.style === style;
    this.setState({ status: 'armed' }, matches ? next : undefined);
    return matches ? next : undefined;
  }

  /** Whether `entry` is held opened in `style`, ready to start now (a crossfade needs it at once). */
  isReady(entry: QueuedTrack, style: string): boolean {
    const state = this.current;
    return state.status === 'ready' && state.next.entry.entryId === entry.entryId && state.next.style === style;
  }

  /** The held, opened audio of `entry` in `style`, without handing it over (see isReady). */
  readyAudio(entry: QueuedTrack, style: string): PreparedAudio | undefined {
    const state = this.current;
    return state.status === 'ready' && this.isReady(entry, style) ? state.audio : undefined;
  }

  /** Hands over the held, opened `entry` in `style` (see isReady); else undefined and nothing changes. */
  takeReady(
    entry: QueuedTrack,
    style: string,
  ): { readonly next: PreparedNext; readonly audio: PreparedAudio } | undefined {
    const state = this.current;
    if (state.status !== 'ready' || !this.isReady(entry, style)) return undefined;
    this.setState({ status: 'armed' }, state.next);
    return { next: state.next, audio: state.audio };
  }

  /** Playback stopped: drop what is held, keep the window as it is. */
  release(): void {
    if (holds(this.current)) this.setState({ status: 'armed' });
  }

  /** The session ended: no timer, nothing held. */
  stop(): void {
    this.setState({ status: 'idle' });
  }

  private windowOpened(entryId: number): void {
    if (this.current.status !== 'waiting' || this.current.entryId !== entryId) return;
    const state = this.deps.session();
    if (state.status === 'playing' && state.entry.entryId === entryId) this.arm();
    else this.setState({ status: 'idle' });
  }

  private open(entry: QueuedTrack): void {
    const style = this.deps.style(entry);
    const held = holds(this.current) ? this.current.next : undefined;
    if (held?.entry.entryId === entry.entryId && held.style === style) return;
    const abort = new AbortController();
    const next: PreparedNext = {
      entry,
      style,
      abort,
      audio: this.deps.loader.load(entry, this.deps.options(entry, abort.signal)),
    };
    this.setState({ status: 'opening', next });
    next.audio.then(
      (audio) => {
        if (this.current.status !== 'opening' || this.current.next !== next) return;
        this.setState({ status: 'ready', next, audio });
        this.deps.link.seamless(audio);
      },
      (error: unknown) => {
        this.deps.logger.debug({ err: error, track: entry.id }, 'preload failed; will load again at start');
        if (this.current.status === 'opening' && this.current.next === next) this.setState({ status: 'failed', next });
      },
    );
  }

  /** The one place state changes: clears a replaced timer and releases a held track nobody took. */
  private setState(state: PreloadState, taken?: PreparedNext): void {
    const old = this.current;
    if (old.status === 'waiting' && (state.status !== 'waiting' || state.timer !== old.timer)) {
      this.deps.clock.clearTimeout(old.timer);
    }
    if (holds(old) && old.next !== taken && !(holds(state) && state.next === old.next)) {
      if (old.status === 'ready') this.deps.link.withdraw(old.audio);
      release(old.next);
    }
    this.current = state;
    this.emit('stateChange', old, state);
  }
}

function release(next: PreparedNext): void {
  next.abort.abort();
  next.audio.then(
    (audio) => audio.dispose(),
    () => undefined,
  );
}
