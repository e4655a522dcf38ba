import { EventEmitter } from 'node:events';
import type { FilterPreset } from '../core/audio-filter.js';
import { ERRORS, UserError, isUserError } from '../core/errors.js';
import type { AddPosition, LoopMode, Queue } from '../core/queue.js';
import type { QueuedTrack, Requester, Track } from '../core/track.js';
import type { VoiceGoneReason } from '../ports/voice.js';
import type { Crossfader } from './crossfader.js';
import { FailureRun } from './failure-run.js';
import type { Playback, StartOutcome } from './playback.js';
import type { Preloader } from './preloader.js';
import { assemblePlayer } from './session-player.js';
import { SerialRunner } from './serial.js';
import { SessionSound } from './session-sound.js';
import type { EnqueueResult, SessionDeps, SessionSnapshot } from './session-types.js';
import { isActive, type EndReason, type SessionState } from './session-state.js';

export type { StartOutcome } from './playback.js';
export type { EnqueueResult, SessionDeps, SessionSnapshot } from './session-types.js';

export { MAX_FAILURE_RUN } from './failure-run.js';

type Events = {
  stateChange: [oldState: SessionState, newState: SessionState];
  trackStart: [entry: QueuedTrack, offsetMs: number];
  /** Queue or settings changed (for persistence). */
  changed: [];
};

/**
 * One guild's player: owns its voice link and queue and is the only thing that changes them. Every command
 * and player event runs through one serial runner, so they never interleave; other guilds have their own.
 */
export class GuildSession extends EventEmitter<Events> {
  readonly guildId: string;
  private readonly serial = new SerialRunner();
  private readonly playback: Playback;
  private volumeValue: number;
  private filterValue: FilterPreset;
  private readonly sound: SessionSound | undefined;
  private lastActivity: number;
  /** Gapless: opens the next track shortly before the current one ends (its own small state machine). */
  readonly preloader: Preloader;
  /** The pending start of the track after a failed one (see `afterFailure`). */
  private readonly failures: FailureRun;
  /** Starts each track's overlap with the next at its fade point (its own small state machine). */
  private readonly crossfader: Crossfader;

  constructor(private readonly deps: SessionDeps) {
    super();
    this.guildId = deps.guildId;
    this.volumeValue = deps.volume ?? 1;
    this.filterValue = deps.filter ?? 'off';
    this.lastActivity = deps.clock.now();
    this.failures = new FailureRun({ ...deps, serial: this.serial, unchangedSince: (state) => this.state === state });
    // A track measured while playing switches to its gain in place; a preloaded one is reopened by command().
    const onMeasured = () => void this.restyle().catch(() => undefined);
    const sound = deps.sound && new SessionSound({ ...deps.sound, onMeasured });
    this.sound = sound;
    ({
      playback: this.playback,
      preloader: this.preloader,
      crossfader: this.crossfader,
    } = assemblePlayer(deps, this.serial, sound, {
      state: () => this.state,
      volume: () => this.volumeValue,
      filter: () => this.filterValue,
      crossfadeInto: (next, fadeMs) => this.crossfadeInto(next, fadeMs),
    }));
    this.playback.on('stateChange', (old, next) => {
      if (!isActive(next)) this.crossfader.stop();
      this.emit('stateChange', old, next);
    });
    this.playback.on('trackStart', (entry, offset) => {
      this.preloader.trackStarted(entry, offset, isActive(this.state) ? this.state.speed : 1);
      this.crossfader.schedule();
      this.sound?.prepare(this.deps.queue.peekNext()); // measure the next track while this one plays
      this.emit('trackStart', entry, offset);
    });
    this.playback.on('restyled', (entry, offset, speed) => {
      this.preloader.trackStarted(entry, offset, speed);
      this.crossfader.schedule();
    });
    this.playback.on('sourceDrained', () => this.preloader.arm());
    this.playback.on('trackEnd', (_entry, failed) =>
      failed ? this.afterFailure() : this.next(this.deps.queue.advance('finished')),
    );
    deps.link.on('gone', this.onLinkGone);
  }

  get state(): SessionState {
    return this.playback.state;
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
  get filter(): FilterPreset {
    return this.filterValue;
  }
  /** Clock time of the last command or track start (for least-recently-used eviction). */
  get lastActiveAt(): number {
    return this.lastActivity;
  }

  elapsedMs(): number {
    return this.playback.elapsedMs();
  }

  enqueue(
    tracks: readonly Track[],
    requester: Requester,
    position: AddPosition | 'now' = 'end',
  ): Promise<EnqueueResult> {
    return this.command(() => {
      const now = this.deps.clock.now();
      if (position === 'now') {
        const { added, current } = this.deps.queue.addNow(tracks, requester, now);
        return { added, ...(current ? { started: this.playback.start(current, 0, true) } : {}) };
      }
      const added = this.deps.queue.add(tracks, requester, now, position);
      if (this.state.status !== 'idle' || added.length === 0) {
        const index = added[0] ? this.deps.queue.positionOf(added[0].entryId) : null;
        return { added, ...(index !== null ? { position: index } : {}) };
      }
      const next = this.deps.queue.advance('skipped');
      // The caller reports this first track's failure itself (in the command reply), so it is quiet here.
      return { added, ...(next ? { started: this.playback.start(next, 0, true) } : {}) };
    });
  }

  /** Skips `count` tracks; returns what was skipped. */
  skip(count = 1): Promise<readonly QueuedTrack[]> {
    return this.command(() => {
      this.requireActive();
      const { skipped, current } = this.deps.queue.skip(count);
      this.next(current);
      return skipped;
    });
  }

  skipTo(position: number): Promise<QueuedTrack | null> {
    return this.command(() => {
      const { current } = this.deps.queue.skipTo(position);
      this.next(current);
      return current;
    });
  }

  previous(): Promise<QueuedTrack> {
    return this.command(() => {
      const entry = this.deps.queue.previous();
      if (!entry) throw new UserError('NO_PREVIOUS_TRACK');
      void this.playback.start(entry);
      return entry;
    });
  }

  /** Restarts the current track at `ms` (same source, no re-resolve). */
  seek(ms: number): Promise<QueuedTrack> {
    return this.command(() => {
      const state = this.requireActive();
      const duration = state.entry.durationMs;
      if (state.entry.isLive === true) throw new UserError('LIVE_NOT_SEEKABLE');
      if (ms < 0 || (duration !== null && ms >= duration)) {
        throw new UserError('SEEK_OUT_OF_RANGE');
      }
      void this.playback.start(state.entry, ms);
      return state.entry;
    });
  }

  /** 0-200 %. Anything but 100 % goes through ffmpeg; the current track is reopened where it is, without a gap. */
  setVolume(percent: number): Promise<void> {
    return this.command(() => {
      this.volumeValue = percent / 100;
      this.playback.restyle();
    });
  }

  /** A filter for the rest of the session, applied like a volume change; `off` returns to passthrough if it can. */
  setFilter(filter: FilterPreset): Promise<void> {
    return this.command(() => {
      this.filterValue = filter;
      this.playback.restyle();
    });
  }

  /** Re-applies settings that shape the sound (normalization turned on or off) to the playing track. */
  restyle(): Promise<void> {
    return this.command(() => this.playback.restyle());
  }

  /** The crossfade setting changed: the playing track's fade point is timed again (and its next opened earlier). */
  retimeCrossfade(): Promise<void> {
    return this.command(() => {
      const state = this.state;
      if (state.status === 'playing') this.preloader.trackStarted(state.entry, this.elapsedMs(), state.speed);
      this.crossfader.schedule();
    });
  }

  setLoop(mode: LoopMode): Promise<void> {
    return this.command(() => {
      this.deps.queue.loop = mode;
    });
  }

  /** Runs a queue edit (remove, move, shuffle, clear) in order with everything else. */
  editQueue<T>(edit: (queue: Queue) => T): Promise<T> {
    return this.command(() => edit(this.deps.queue));
  }

  pause(auto = false): Promise<QueuedTrack> {
    return this.command(() => {
      if (this.state.status === 'paused') throw new UserError('ALREADY_PAUSED');
      const state = this.requireActive();
      if (!this.playback.pause(auto)) throw new UserError('NOTHING_PLAYING');
      return state.entry;
    });
  }

  resume(): Promise<QueuedTrack> {
    return this.command(() => {
      const state = this.requireActive();
      if (!this.playback.resume()) throw new UserError('NOT_PAUSED');
      return state.entry;
    });
  }

  /** Stops playback and clears the queue; the bot stays until idle eviction. */
  stop(): Promise<void> {
    return this.command(() => {
      this.deps.queue.reset();
      this.playback.toIdle();
    });
  }

  /**
   * Resumes a snapshot taken before a restart (the queue was restored by the factory). The start promise is
   * returned inside an object, never awaited here: its commit needs this same serial runner.
   */
  resumeFrom(snapshot: SessionSnapshot): Promise<{ readonly started?: Promise<StartOutcome> }> {
    return this.command(() => {
      const current = this.deps.queue.current;
      return current ? { started: this.playback.start(current, snapshot.positionMs, true) } : {};
    });
  }

  snapshot(): SessionSnapshot {
    const state = this.state;
    return {
      guildId: this.guildId,
      voiceChannelId: this.voiceChannelId,
      textChannelId: this.textChannelId,
      queue: this.deps.queue.snapshot(),
      positionMs: this.elapsedMs(),
      paused: state.status === 'paused',
      volume: this.volumeValue,
      ...(this.filterValue !== 'off' ? { filter: this.filterValue } : {}),
      savedAt: this.deps.clock.now(),
    };
  }

  /** Ends the session for good: leaves voice, releases everything. Idempotent. */
  destroy(reason: EndReason): void {
    if (this.state.status === 'destroyed') return;
    this.failures.cancel();
    this.deps.link.off('gone', this.onLinkGone);
    this.playback.destroy(reason);
    this.deps.link.destroy();
  }

  private command<T>(task: () => T | Promise<T>): Promise<T> {
    return this.serial.run(async (): Promise<T> => {
      if (this.state.status === 'destroyed') throw new UserError('SESSION_ENDED');
      this.lastActivity = this.deps.clock.now();
      const result = await task();
      // The queue may have changed inside the preload window: open the (possibly new) next track.
      this.preloader.refresh();
      this.sound?.prepare(this.deps.queue.peekNext()); // the next track is measured before its turn
      this.emit('changed');
      return result;
    });
  }

  private requireActive() {
    const state = this.state;
    if (!isActive(state)) throw new UserError('NOTHING_PLAYING');
    return state;
  }

  /**
   * A track failed (runs inside the serial runner): the next one starts after a back-off (see FailureRun),
   * and a run of MAX_FAILURE_RUN ends with one summary. Failed entries are not re-queued under loop `queue`.
   */
  private afterFailure(): void {
    const { count, last } = this.playback.failureRun;
    this.failures.after(count, this.state, {
      queued: this.deps.queue.length > 0,
      advance: () => this.next(this.deps.queue.advance('failed')),
      stop: () => {
        this.deps.queue.park();
        this.playback.toIdle();
        this.emit('changed');
        const reason = last && isUserError(last) ? ` The last one: ${last.message}` : '';
        void this.deps.notifier.send(this.deps.textChannelId, `⚠️ ${ERRORS.FAILURE_RUN}${reason}`);
      },
    });
  }

  /**
   * The fade point of the playing track came and `next` is opened (serial): the queue moves on now, so `next`
   * is current, in history and on the now-playing card from the first mixed frame.
   */
  private crossfadeInto(next: QueuedTrack, fadeMs: number): void {
    if (this.deps.queue.peekNext()?.entryId !== next.entryId) return;
    const entry = this.deps.queue.advance('finished');
    if (!entry) return this.next(null);
    this.lastActivity = this.deps.clock.now();
    if (!this.playback.crossfade(entry, fadeMs)) {
      this.deps.logger.info({ track: entry.id }, 'crossfade refused by the voice link; starting the next track');
      void this.playback.start(entry);
    }
    this.preloader.refresh();
    this.emit('changed');
  }

  private next(entry: QueuedTrack | null): void {
    this.lastActivity = this.deps.clock.now();
    if (entry) void this.playback.start(entry);
    else this.playback.toIdle();
    this.emit('changed');
  }

  private readonly onLinkGone = (reason: VoiceGoneReason): void => {
    this.destroy(reason === 'kicked' ? 'kicked' : 'disconnected');
  };
}
