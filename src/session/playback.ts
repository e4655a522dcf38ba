import { EventEmitter } from 'node:events';
import { presetSpeed, type FilterPreset } from '../core/audio-filter.js';
import { isUserError } from '../core/errors.js';
import { escapeText } from '../core/format.js';
import type { QueuedTrack, SourceName } from '../core/track.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Notifier } from '../ports/notifier.js';
import { EngineRestart, type PreparedAudio, type VoiceLink } from '../ports/voice.js';
import type { Preloader } from './preloader.js';
import type { SerialRunner } from './serial.js';
import { isActive, type SessionState } from './session-state.js';
import { Restyler } from './restyle.js';
import type { LoadOptions, TrackLoader } from './track-loader.js';

/** Ending this much before the known duration counts as a cut stream, not the end of the track. */
const TRUNCATION_SLACK_MS = 5000;

/** `servedBy`: the source that really played it, when not the track's own (a Spotify track from SoundCloud). */
export type StartOutcome =
  | { readonly ok: true; readonly servedBy?: SourceName }
  | { readonly ok: false; readonly error: Error };

export interface PlaybackDeps {
  readonly link: VoiceLink;
  readonly loader: TrackLoader;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly serial: SerialRunner;
  readonly textChannelId: () => string;
  readonly volume: () => number;
  /** Default: no filter. */
  readonly filter?: () => FilterPreset;
  /** Loudness normalization for a track (default: none). */
  readonly normalization?: (entry: QueuedTrack) => Pick<LoadOptions, 'gainDb' | 'dynamicNormalize'>;
  /** Holds the next track opened ahead of time; `start` takes it when it is the one starting. */
  readonly preloader: Preloader;
}

type Events = {
  stateChange: [oldState: SessionState, newState: SessionState];
  trackStart: [entry: QueuedTrack, offsetMs: number];
  /** A track ended or failed: the owner decides what comes next (the queue lives there). */
  trackEnd: [entry: QueuedTrack, failed: boolean];
  /** The current track's source has been read to the end: only buffered audio is left to play. */
  sourceDrained: [entry: QueuedTrack];
  /** The current track was reopened with another volume or filter at `offsetMs`, now playing at `speed`. */
  restyled: [entry: QueuedTrack, offsetMs: number, speed: number];
};

/**
 * The mechanics of playing one track at a time on a voice link: load outside the serial runner (a slow source
 * must not block `/skip`), commit only if still wanted, recover once from a mid-track failure at the current
 * position with a fresh stream, and report failures users should know about. It owns the session's state.
 */
export class Playback extends EventEmitter<Events> {
  private stateValue: SessionState;
  /** The entry already given its one mid-track recovery. */
  private recovered: number | undefined;
  private readonly restyler: Restyler;
  /** Tracks that failed in a row (reset when one starts), and the last failure: see GuildSession's failure run. */
  private run = { count: 0, last: undefined as Error | undefined };

  constructor(private readonly deps: PlaybackDeps) {
    super();
    this.stateValue = { status: 'idle', since: deps.clock.now() };
    deps.link.on('idle', this.onLinkIdle);
    this.restyler = new Restyler({
      ...deps,
      state: () => this.stateValue,
      elapsedMs: () => this.elapsedMs(),
      loadOptions: (entry, startMs, signal) => this.loadOptions(entry, startMs, signal),
      commit: (entry, abort, audio, options) => {
        this.commit(entry, abort, audio, options.startMs, options);
        this.emit('restyled', entry, options.startMs, presetSpeed(options.filter ?? 'off'));
      },
    });
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
    return state.status === 'loading'
      ? state.offsetMs
      : state.offsetMs + this.deps.link.playbackMs() * (state.speed ?? 1);
  }

  /** What a stream of `entry` opened now would sound like; a playing stream of another style is reopened. */
  style(entry: QueuedTrack): string {
    return styleOf(this.loadOptions(entry, 0, undefined));
  }

  /** How a stream of `entry` is opened now (volume, filter, gain): the preloader opens the next one the same way. */
  loadOptions(entry: QueuedTrack, startMs: number, signal: AbortSignal | undefined): LoadOptions {
    const filter: FilterPreset = this.deps.filter?.() ?? 'off';
    return {
      startMs,
      volume: this.deps.volume(),
      filter,
      ...this.deps.normalization?.(entry),
      signal: signal ?? NEVER,
    };
  }

  /** Loads and plays `entry` from `offsetMs`; settles when it plays or has failed. `quiet`: caller reports. */
  start(entry: QueuedTrack, offsetMs = 0, quiet = false): Promise<StartOutcome> {
    const adopted = offsetMs === 0 ? this.adopt(entry) : undefined;
    if (adopted) return Promise.resolve(adopted);
    const preload = this.deps.preloader.take(entry, offsetMs, this.style(entry));
    const abort = preload?.abort ?? new AbortController();
    this.restyler.cancel();
    this.setState({ status: 'loading', entry, abort, offsetMs });
    this.deps.link.stop(); // after the state change, so the link's idle event is recognised as ours
    const options = this.loadOptions(entry, offsetMs, abort.signal);
    // A failed preload (a stale connection, say) gets one fresh attempt before the track counts as failed.
    const loading = preload
      ? preload.audio.catch(() => this.deps.loader.load(entry, options))
      : this.deps.loader.load(entry, options);
    return loading.then(
      (audio) =>
        this.deps.serial.run((): StartOutcome => {
          if (this.stateValue.status !== 'loading' || this.stateValue.abort !== abort) {
            audio.dispose();
            return { ok: true };
          }
          this.run = { count: 0, last: undefined };
          this.commit(entry, abort, audio, offsetMs, options);
          this.deps.logger.debug({ track: entry.id, pipeline: audio.pipeline, offsetMs }, 'track started');
          this.emit('trackStart', entry, offsetMs);
          return audio.servedBy ? { ok: true, servedBy: audio.servedBy } : { ok: true };
        }),
      (error: unknown) => this.deps.serial.run(() => this.onLoadFailed(abort, toError(error), quiet)),
    );
  }

  /**
   * Applies a changed volume, filter or gain to the current track without stopping it (see Restyler). A loading
   * track is restarted with the new settings; a paused one is reopened by resume().
   */
  restyle(): void {
    const state = this.stateValue;
    if (state.status === 'loading') void this.start(state.entry, state.offsetMs);
    else if (state.status === 'playing' && state.style !== this.style(state.entry)) this.restyler.begin(state);
  }

  /** Whether the playing track can crossfade into `next` now: `next` is opened in the style it would play in. */
  canCrossfadeInto(next: QueuedTrack): boolean {
    const state = this.stateValue;
    return (
      state.status === 'playing' && state.pipeline !== 'baseline' && this.deps.preloader.isReady(next, this.style(next))
    );
  }

  /**
   * Starts the preloaded `entry` as an overlap with the rest of the playing track (see VoiceLink.crossfade):
   * `entry` is current (queue, history, now-playing) from the first mixed frame. The outgoing track's stream
   * is released by the link when the overlap is over, not by this state change. False: nothing changed.
   */
  crossfade(entry: QueuedTrack, fadeMs: number): boolean {
    const state = this.stateValue;
    if (state.status !== 'playing') return false;
    const held = this.deps.preloader.takeReady(entry, this.style(entry));
    if (!held) return false;
    const outgoing = state.abort;
    if (!this.deps.link.crossfade(held.audio, fadeMs, () => outgoing.abort())) {
      held.audio.dispose();
      held.next.abort.abort();
      return false;
    }
    this.restyler.cancel();
    this.run = { count: 0, last: undefined };
    const options = this.loadOptions(entry, 0, held.next.abort.signal);
    this.commit(entry, held.next.abort, held.audio, 0, options, 'handed-over');
    this.deps.logger.debug({ track: entry.id, pipeline: held.audio.pipeline, fadeMs }, 'track crossfaded in');
    this.emit('trackStart', entry, 0);
    return true;
  }

  /**
   * The link's engine already started the preloaded `entry` where the last track ended (see VoiceLink.adopt):
   * take it over as the current track without stopping anything. Undefined when it did not.
   */
  private adopt(entry: QueuedTrack): StartOutcome | undefined {
    const style = this.style(entry);
    const audio = this.deps.preloader.readyAudio(entry, style);
    if (!audio || !this.deps.link.adopt(audio)) return undefined;
    const held = this.deps.preloader.takeReady(entry, style);
    if (!held) return undefined;
    this.restyler.cancel();
    this.run = { count: 0, last: undefined };
    this.commit(entry, held.next.abort, audio, 0, this.loadOptions(entry, 0, held.next.abort.signal), 'adopted');
    this.deps.logger.debug({ track: entry.id, pipeline: audio.pipeline, offsetMs: 0, adopted: true }, 'track started');
    this.emit('trackStart', entry, 0);
    return audio.servedBy ? { ok: true, servedBy: audio.servedBy } : { ok: true };
  }

  /**
   * Hands `audio` to the link (unless a crossfade already did: `handed-over`, whose outgoing stream the link
   * releases) and enters `playing`; the state's speed and style are those it was opened with.
   */
  private commit(
    entry: QueuedTrack,
    abort: AbortController,
    audio: PreparedAudio,
    offsetMs: number,
    options: LoadOptions,
    how: 'play' | 'handed-over' | 'adopted' = 'play',
  ): void {
    if (how === 'play') this.deps.link.play(audio);
    audio.stream.once('end', () => {
      if (this.stateValue.status === 'playing' && this.stateValue.abort === abort) this.emit('sourceDrained', entry);
    });
    const speed = presetSpeed(options.filter ?? 'off');
    const style = styleOf(options);
    const startedAt = this.deps.clock.now();
    const next: SessionState = {
      status: 'playing',
      entry,
      abort,
      offsetMs,
      pipeline: audio.pipeline,
      startedAt,
      speed,
      style,
    };
    this.setState(next, how === 'handed-over');
  }

  toIdle(): void {
    this.restyler.cancel();
    this.deps.preloader.release();
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
    if (state.style !== undefined && state.style !== this.style(state.entry)) {
      // The volume or filter changed while paused: reopen here with the new one rather than play the old.
      void this.start(state.entry, this.elapsedMs());
      return true;
    }
    this.deps.link.resume();
    this.setState({ ...state, status: 'playing', startedAt: this.deps.clock.now() });
    return true;
  }

  destroy(reason: Extract<SessionState, { status: 'destroyed' }>['reason']): void {
    this.restyler.cancel();
    this.deps.preloader.stop();
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
      if (error instanceof EngineRestart) {
        // Not the track's fault (an audio worker was replaced): pick it up where it was, budget untouched;
        // a paused track stays paused, and resume() reopens it there (its style no longer matches).
        if (state.status === 'paused') this.setState({ ...state, style: ENGINE_RESTARTED });
        else void this.start(state.entry, this.elapsedMs());
        return;
      }
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

  /** `handedOver`: the old stream plays on in a crossfade, and the link aborts it when the overlap is over. */
  private setState(next: SessionState, handedOver = false): void {
    const old = this.stateValue;
    const keepsStream = handedOver || (isActive(old) && isActive(next) && old.abort === next.abort);
    if (isActive(old) && !keepsStream) old.abort.abort();
    this.stateValue = next;
    this.emit('stateChange', old, next);
  }
}

const NEVER = new AbortController().signal;

/** The style of a paused track whose stream went with a restarted audio worker: matches no real style. */
const ENGINE_RESTARTED = 'engine-restarted';

/** Streams with equal styles sound the same (volume, filter, normalization), whatever their position. */
const styleOf = (o: LoadOptions): string =>
  `${o.volume}|${o.filter ?? 'off'}|${o.gainDb ?? 0}|${o.dynamicNormalize === true}`;

const toError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
