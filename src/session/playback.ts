import { EventEmitter } from 'node:events';
import { isUserError } from '../core/errors.js';
import { escapeText } from '../core/format.js';
import type { QueuedTrack } from '../core/track.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Notifier } from '../ports/notifier.js';
import type { PreparedAudio, VoiceLink } from '../ports/voice.js';
import type { SerialRunner } from './serial.js';
import { isActive, type SessionState } from './session-state.js';
import type { TrackLoader } from './track-loader.js';

/** Ending this much before the known duration counts as a cut stream, not the end of the track. */
const TRUNCATION_SLACK_MS = 5000;

export type StartOutcome = { readonly ok: true } | { readonly ok: false; readonly error: Error };

export interface PlaybackDeps {
  readonly link: VoiceLink;
  readonly loader: TrackLoader;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly serial: SerialRunner;
  readonly textChannelId: () => string;
  readonly volume: () => number;
}

type Events = {
  stateChange: [oldState: SessionState, newState: SessionState];
  trackStart: [entry: QueuedTrack, offsetMs: number];
  /** A track ended or failed: the owner decides what comes next (the queue lives there). */
  trackEnd: [entry: QueuedTrack, failed: boolean];
  /** The current track's source has been read to the end: only buffered audio is left to play. */
  sourceDrained: [entry: QueuedTrack];
};

/** The next track, opened ahead of time so it starts the moment the current one ends. */
interface Preload {
  readonly entry: QueuedTrack;
  readonly volume: number;
  readonly abort: AbortController;
  readonly audio: Promise<PreparedAudio>;
}

/**
 * The mechanics of playing one track at a time on a voice link: load outside the serial runner (a slow source
 * must not block `/skip`), commit only if still wanted, recover once from a mid-track failure at the current
 * position with a fresh stream, and report failures users should know about. It owns the session's state.
 */
export class Playback extends EventEmitter<Events> {
  private stateValue: SessionState;
  /** The entry already given its one mid-track recovery. */
  private recovered: number | undefined;
  private preloaded: Preload | undefined;
  /** Tracks that failed in a row (reset when one starts), and the last failure: see GuildSession's failure run. */
  private run = { count: 0, last: undefined as Error | undefined };

  constructor(private readonly deps: PlaybackDeps) {
    super();
    this.stateValue = { status: 'idle', since: deps.clock.now() };
    deps.link.on('idle', this.onLinkIdle);
  }

  get state(): SessionState {
    return this.stateValue;
  }

  /** How many tracks failed in a row since one last started, and why the last one did. */
  get failureRun(): { readonly count: number; readonly last: Error | undefined } {
    return this.run;
  }

  elapsedMs(): number {
    const state = this.stateValue;
    if (!isActive(state)) return 0;
    return state.status === 'loading' ? state.offsetMs : state.offsetMs + this.deps.link.playbackMs();
  }

  /** Loads and plays `entry` from `offsetMs`; settles when it plays or has failed. `quiet`: caller reports. */
  start(entry: QueuedTrack, offsetMs = 0, quiet = false): Promise<StartOutcome> {
    const preload = this.takePreload(entry, offsetMs);
    const abort = preload?.abort ?? new AbortController();
    this.setState({ status: 'loading', entry, abort, offsetMs });
    this.deps.link.stop(); // after the state change, so the link's idle event is recognised as ours
    const options = { startMs: offsetMs, volume: this.deps.volume(), signal: abort.signal };
    // A failed preload (a stale connection, say) gets one fresh attempt before the track counts as failed.
    const loading = preload ? preload.audio.catch(() => this.deps.loader.load(entry, options)) : this.deps.loader.load(entry, options);
    return loading.then(
      (audio) =>
        this.deps.serial.run((): StartOutcome => {
          if (this.stateValue.status !== 'loading' || this.stateValue.abort !== abort) {
            audio.dispose();
            return { ok: true };
          }
          this.deps.link.play(audio);
          audio.stream.once('end', () => {
            if (this.stateValue.status === 'playing' && this.stateValue.abort === abort) this.emit('sourceDrained', entry);
          });
          const startedAt = this.deps.clock.now();
          this.run = { count: 0, last: undefined };
          this.setState({ status: 'playing', entry, abort, offsetMs, pipeline: audio.pipeline, startedAt });
          this.deps.logger.debug({ track: entry.id, pipeline: audio.pipeline, offsetMs }, 'track started');
          this.emit('trackStart', entry, offsetMs);
          return { ok: true };
        }),
      (error: unknown) => this.deps.serial.run(() => this.onLoadFailed(abort, toError(error), quiet)),
    );
  }

  /**
   * Opens `entry` now so that it can start without a gap when the current track ends. Idempotent per entry; a
   * different entry replaces the old preload. Used only when playback will reach it naturally (offset 0).
   */
  preload(entry: QueuedTrack): void {
    const volume = this.deps.volume();
    if (this.preloaded?.entry.entryId === entry.entryId && this.preloaded.volume === volume) return;
    this.dropPreload();
    const abort = new AbortController();
    const audio = this.deps.loader.load(entry, { startMs: 0, volume, signal: abort.signal });
    this.preloaded = { entry, volume, abort, audio };
    audio.then(
      () => this.preloaded?.audio === audio && this.deps.link.seamless(),
      (error: unknown) => this.deps.logger.debug({ err: error, track: entry.id }, 'preload failed; will load again at start'),
    );
  }

  private takePreload(entry: QueuedTrack, offsetMs: number): Preload | undefined {
    const preload = this.preloaded;
    this.preloaded = undefined;
    if (preload && preload.entry.entryId === entry.entryId && offsetMs === 0 && preload.volume === this.deps.volume()) {
      return preload;
    }
    if (preload) this.release(preload);
    return undefined;
  }

  private dropPreload(): void {
    if (this.preloaded) this.release(this.preloaded);
    this.preloaded = undefined;
  }

  private release(preload: Preload): void {
    preload.abort.abort();
    preload.audio.then((audio) => audio.dispose(), () => undefined);
  }

  toIdle(): void {
    this.dropPreload();
    this.setState({ status: 'idle', since: this.deps.clock.now() });
    this.deps.link.stop();
  }

  pause(auto = false): boolean {
    const state = this.stateValue;
    if (state.status !== 'playing') return false;
    this.deps.link.pause();
    this.setState({ ...state, status: 'paused', since: this.deps.clock.now(), auto });
    return true;
  }

  resume(): boolean {
    const state = this.stateValue;
    if (state.status !== 'paused') return false;
    this.deps.link.resume();
    this.setState({ ...state, status: 'playing', startedAt: this.deps.clock.now() });
    return true;
  }

  destroy(reason: Extract<SessionState, { status: 'destroyed' }>['reason']): void {
    this.dropPreload();
    this.deps.link.off('idle', this.onLinkIdle);
    this.setState({ status: 'destroyed', reason });
  }

  /**
   * Counts a failure into the current run; only the first failure of a run is posted (the session posts one
   * summary if the run grows too long), so a queue of broken entries cannot flood the channel.
   */
  reportFailure(entry: QueuedTrack, error: Error, quiet = false): void {
    this.run = { count: this.run.count + 1, last: error };
    this.deps.logger.info({ err: error, track: entry.id, run: this.run.count }, 'track failed');
    if (quiet || this.run.count > 1) return;
    const reason = isUserError(error) ? error.message : 'Something went wrong while playing it.';
    const text = `⚠️ Couldn't play **${escapeText(entry.title)}**. ${reason}`;
    void this.deps.notifier.send(this.deps.textChannelId(), text);
  }

  private onLoadFailed(abort: AbortController, error: Error, quiet: boolean): StartOutcome {
    const state = this.stateValue;
    if (state.status !== 'loading' || state.abort !== abort) return { ok: false, error };
    this.reportFailure(state.entry, error, quiet);
    this.emit('trackEnd', state.entry, true);
    return { ok: false, error };
  }

  private readonly onLinkIdle = (error?: Error): void => {
    void this.deps.serial.run(() => {
      const state = this.stateValue;
      if (state.status !== 'playing' && state.status !== 'paused') return; // a stop we caused
      const failure = error ?? this.truncation(state.entry);
      if (failure && this.recovered !== state.entry.entryId && state.entry.isLive !== true) {
        // One retry with a fresh stream at the current position (an expired URL, a dropped connection).
        this.recovered = state.entry.entryId;
        const at = state.offsetMs + this.deps.link.playbackMs();
        this.deps.logger.info({ err: failure, track: state.entry.id, at }, 'stream failed mid-track; reopening');
        void this.start(state.entry, at);
        return;
      }
      if (failure) this.reportFailure(state.entry, failure);
      this.emit('trackEnd', state.entry, failure !== undefined);
    });
  };

  /** A stream that ends well before the known duration was cut, even if nothing said so. */
  private truncation(entry: QueuedTrack): Error | undefined {
    if (entry.durationMs === null) return undefined;
    const played = this.elapsedMs();
    return played < entry.durationMs - TRUNCATION_SLACK_MS ? new Error(`stream ended at ${played} ms`) : undefined;
  }

  private setState(next: SessionState): void {
    const old = this.stateValue;
    const keepsStream = isActive(old) && isActive(next) && old.abort === next.abort;
    if (isActive(old) && !keepsStream) old.abort.abort();
    this.stateValue = next;
    this.emit('stateChange', old, next);
  }
}

const toError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
