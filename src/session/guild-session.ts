import { EventEmitter } from 'node:events';
import { isUserError, UserError } from '../core/errors.js';
import type { Queue, AddPosition } from '../core/queue.js';
import type { QueuedTrack, Requester, Track } from '../core/track.js';
import { escapeText } from '../core/format.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Notifier } from '../ports/notifier.js';
import type { VoiceGoneReason, VoiceLink } from '../ports/voice.js';
import { SerialRunner } from './serial.js';
import { isActive, type EndReason, type SessionState } from './session-state.js';
import type { TrackLoader } from './track-loader.js';

export interface SessionDeps {
  readonly guildId: string;
  readonly link: VoiceLink;
  readonly queue: Queue;
  readonly loader: TrackLoader;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where the queue was started: failures and announcements go here. */
  readonly textChannelId: string;
}

/** How the first track of an enqueue ended up, so `/play` can reply accurately. */
export type StartOutcome = { readonly ok: true } | { readonly ok: false; readonly error: Error };

export interface EnqueueResult {
  readonly added: readonly QueuedTrack[];
  /** Set when the first added track started right away: resolves once it plays or fails. */
  readonly started?: Promise<StartOutcome>;
  /** 1-based position of the first added track in upcoming, when it did not start right away. */
  readonly position?: number;
}

type Events = { stateChange: [oldState: SessionState, newState: SessionState] };

/**
 * One guild's player: owns its voice link and queue, and is the only thing that changes them. Commands and
 * player events go through one serial runner, so they never interleave. Loading a track happens outside the
 * runner (a slow source must not block `/skip`); its result is committed only if the session is still
 * loading that same entry.
 */
export class GuildSession extends EventEmitter<Events> {
  readonly guildId: string;
  private stateValue: SessionState;
  private readonly serial = new SerialRunner();
  private volumeValue = 1;

  constructor(private readonly deps: SessionDeps) {
    super();
    this.guildId = deps.guildId;
    this.stateValue = { status: 'idle', since: deps.clock.now() };
    deps.link.on('idle', this.onLinkIdle);
    deps.link.on('gone', this.onLinkGone);
  }

  get state(): SessionState {
    return this.stateValue;
  }

  get queue(): Queue {
    return this.deps.queue;
  }

  get voiceChannelId(): string {
    return this.deps.link.channelId();
  }

  get textChannelId(): string {
    return this.deps.textChannelId;
  }

  get volume(): number {
    return this.volumeValue;
  }

  /** Milliseconds played of the current track. */
  elapsedMs(): number {
    return isActive(this.stateValue) ? this.deps.link.playbackMs() : 0;
  }

  enqueue(tracks: readonly Track[], requester: Requester, position: AddPosition = 'end'): Promise<EnqueueResult> {
    return this.serial.run(() => {
      this.assertAlive();
      const added = this.deps.queue.add(tracks, requester, this.deps.clock.now(), position);
      if (this.stateValue.status !== 'idle' || added.length === 0) {
        const first = added[0];
        const index = first ? this.deps.queue.positionOf(first.entryId) : null;
        return { added, ...(index !== null ? { position: index } : {}) };
      }
      const next = this.deps.queue.advance('skipped');
      // The caller reports this first track's failure itself (in the command reply), so it is quiet here.
      return { added, started: next ? this.begin(next, 0, true) : Promise.resolve({ ok: true } as const) };
    });
  }

  /** Skips `count` tracks; returns what was skipped (empty when nothing was playing). */
  skip(count = 1): Promise<readonly QueuedTrack[]> {
    return this.serial.run(() => {
      this.assertAlive();
      if (!isActive(this.stateValue)) throw new UserError('NOTHING_PLAYING');
      const { skipped, current } = this.deps.queue.skip(count);
      this.playOrIdle(current);
      return skipped;
    });
  }

  pause(): Promise<QueuedTrack> {
    return this.serial.run(() => {
      const state = this.stateValue;
      if (state.status === 'paused') throw new UserError('ALREADY_PAUSED');
      if (state.status !== 'playing') throw new UserError('NOTHING_PLAYING');
      this.deps.link.pause();
      this.setState({ ...state, status: 'paused', since: this.deps.clock.now() });
      return state.entry;
    });
  }

  resume(): Promise<QueuedTrack> {
    return this.serial.run(() => {
      const state = this.stateValue;
      if (state.status === 'playing') throw new UserError('NOT_PAUSED');
      if (state.status !== 'paused') throw new UserError('NOTHING_PLAYING');
      this.deps.link.resume();
      this.setState({ ...state, status: 'playing', startedAt: this.deps.clock.now() });
      return state.entry;
    });
  }

  /** Stops playback and clears the queue; the bot stays in the channel until idle eviction. */
  stop(): Promise<void> {
    return this.serial.run(() => {
      this.assertAlive();
      this.deps.queue.reset();
      this.setState({ status: 'idle', since: this.deps.clock.now() });
      this.deps.link.stop();
    });
  }

  /** Ends the session for good: leaves voice, releases everything. Idempotent. */
  destroy(reason: EndReason): void {
    if (this.stateValue.status === 'destroyed') return;
    this.deps.link.off('idle', this.onLinkIdle);
    this.deps.link.off('gone', this.onLinkGone);
    this.setState({ status: 'destroyed', reason });
    this.deps.link.destroy();
  }

  private assertAlive(): void {
    if (this.stateValue.status === 'destroyed') throw new UserError('VOICE_CONNECT_FAILED');
  }

  private playOrIdle(next: QueuedTrack | null): void {
    if (next) void this.begin(next);
    else this.setState({ status: 'idle', since: this.deps.clock.now() });
    // Stopping after the state change means the link's idle event finds no playing entry and is ignored.
    this.deps.link.stop();
  }

  /** Starts loading `entry`; the returned promise settles when it plays or has failed (and moved on). */
  private begin(entry: QueuedTrack, startMs = 0, quiet = false): Promise<StartOutcome> {
    const abort = new AbortController();
    this.setState({ status: 'loading', entry, abort });
    const options = { startMs, volume: this.volumeValue, signal: abort.signal };
    return this.deps.loader.load(entry, options).then(
      (audio) =>
        this.serial.run((): StartOutcome => {
          if (this.stateValue.status !== 'loading' || this.stateValue.abort !== abort) {
            audio.dispose();
            return { ok: true };
          }
          this.deps.link.play(audio);
          this.setState({ status: 'playing', entry, abort, pipeline: audio.pipeline, startedAt: this.deps.clock.now() });
          return { ok: true };
        }),
      (error: unknown) => this.serial.run(() => this.onLoadFailed(entry, abort, error, quiet)),
    );
  }

  private onLoadFailed(entry: QueuedTrack, abort: AbortController, error: unknown, quiet: boolean): StartOutcome {
    const failure = error instanceof Error ? error : new Error(String(error));
    if (this.stateValue.status !== 'loading' || this.stateValue.abort !== abort) return { ok: false, error: failure };
    if (quiet) this.deps.logger.info({ err: failure, track: entry.id }, 'track failed');
    else this.reportFailure(entry, failure);
    this.playOrIdle(this.deps.queue.advance('skipped'));
    return { ok: false, error: failure };
  }

  private reportFailure(entry: QueuedTrack, error: Error): void {
    const reason = isUserError(error) ? error.message : 'Something went wrong while playing it.';
    this.deps.logger.info({ err: error, track: entry.id }, 'track failed');
    void this.deps.notifier.send(this.deps.textChannelId, `⚠️ Couldn't play **${escapeText(entry.title)}**. ${reason}`);
  }

  private readonly onLinkIdle = (error?: Error): void => {
    void this.serial.run(() => {
      const state = this.stateValue;
      if (state.status !== 'playing' && state.status !== 'paused') return; // a stop we caused: already moved on
      if (error) this.reportFailure(state.entry, error);
      this.playOrIdle(this.deps.queue.advance(error ? 'skipped' : 'finished'));
    });
  };

  private readonly onLinkGone = (reason: VoiceGoneReason): void => {
    this.destroy(reason === 'kicked' ? 'kicked' : 'disconnected');
  };

  private setState(next: SessionState): void {
    const old = this.stateValue;
    const keepsStream = isActive(old) && isActive(next) && old.abort === next.abort;
    if (isActive(old) && !keepsStream) old.abort.abort();
    this.stateValue = next;
    this.emit('stateChange', old, next);
  }
}
