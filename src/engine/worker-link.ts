import { EventEmitter } from 'node:events';
import { UserError, type PlainErrorCode } from '../core/errors.js';
import { EngineRestart, type PreparedAudio, type VoiceLink, type VoiceLinkEvents } from '../ports/voice.js';
import { AudioShipper } from './audio-shipper.js';
import { POSITION_FIELDS, type FromWorker, type ToWorker } from './engine-protocol.js';

/** What a link needs from the engine that placed it: its worker's channel, play ids, its position slot. */
export interface LinkHome {
  send(message: ToWorker): void;
  nextPlayId(): number;
  readonly positions: Int32Array;
  readonly slot: number;
  /** Whether crossfades can be mixed (the Opus codec loads). */
  readonly canMix: boolean;
  /** The link is gone: free its slot. */
  release(link: WorkerVoiceLink): void;
}

interface Play {
  readonly shipper: AudioShipper;
  /** Set on a crossfade's outgoing play: runs once when the worker no longer reads it. */
  readonly released?: () => void;
}

/**
 * The main thread's view of a guild's voice link that lives in an audio worker. It mirrors what callers ask
 * synchronously (paused or not, position from shared memory) and keeps the in-process link's contract: a
 * `stop()` ends the play at once (its `idle` is emitted here, and the worker's later report of the same play
 * is dropped); an `idle` names the play it belongs to, so no report about replaced audio leaks through.
 */
export class WorkerVoiceLink extends EventEmitter<VoiceLinkEvents> implements VoiceLink {
  private current: Play | undefined;
  private readonly outgoing = new Map<number, Play>();
  /** Shipped ahead as the next audio (`seamless(next)`; the caller still owns it): the worker holds it. */
  private queued: Play | undefined;
  /** The queued audio the worker started when the last one ended cleanly, until the session adopts it. */
  private provisional: Play | undefined;
  private paused = false;
  private releasedAtMs = 0;
  private destroyed = false;

  constructor(
    readonly guildId: string,
    private channel: string,
    private home: LinkHome,
  ) {
    super();
  }

  channelId(): string {
    return this.channel;
  }

  play(audio: PreparedAudio): void {
    this.dropProvisional(); // the worker replaces it with this play
    this.releaseCurrent();
    if (this.queued?.shipper.audio === audio) this.startQueued();
    else this.start(audio);
  }

  adopt(audio: PreparedAudio): boolean {
    const started = this.provisional;
    if (started?.shipper.audio !== audio) return false;
    this.provisional = undefined;
    this.current = started;
    this.paused = false;
    return true;
  }

  withdraw(audio: PreparedAudio): void {
    const queued = this.queued;
    if (queued?.shipper.audio !== audio) return;
    this.queued = undefined;
    queued.shipper.close();
    this.home.send({ type: 'unqueue', guildId: this.guildId, playId: queued.shipper.playId });
  }

  crossfade(next: PreparedAudio, fadeMs: number, released: () => void): boolean {
    const playing = this.current;
    if (!this.home.canMix || !playing || this.paused) return false;
    if (playing.shipper.audio.container === 'pcm' || next.container === 'pcm') return false;
    this.outgoing.set(playing.shipper.playId, { shipper: playing.shipper, released });
    this.current = undefined;
    if (this.queued?.shipper.audio === next) this.startQueued(fadeMs);
    else this.start(next, fadeMs);
    return true;
  }

  stop(): boolean {
    const provisional = this.dropProvisional();
    const playing = this.current;
    if (!playing) {
      if (provisional) this.home.send({ type: 'control', guildId: this.guildId, op: 'stop' });
      return false;
    }
    this.releaseCurrent();
    this.home.send({ type: 'control', guildId: this.guildId, op: 'stop' });
    this.emit('idle', playing.shipper.streamError);
    return true;
  }

  pause(): boolean {
    if (!this.current || this.paused) return false;
    this.paused = true;
    this.home.send({ type: 'control', guildId: this.guildId, op: 'pause' });
    return true;
  }

  resume(): boolean {
    if (!this.paused) return false;
    this.paused = false;
    this.home.send({ type: 'control', guildId: this.guildId, op: 'resume' });
    return true;
  }

  seamless(next?: PreparedAudio): void {
    if (this.current) this.home.send({ type: 'control', guildId: this.guildId, op: 'seamless' });
    if (!next || next === this.queued?.shipper.audio || next === this.current?.shipper.audio) return;
    if (this.queued) this.withdraw(this.queued.shipper.audio);
    this.queued = { shipper: this.shipperFor(next) };
    this.home.send({ ...this.playMessage(next, this.queued.shipper.playId), queued: true });
    this.queued.shipper.start();
  }

  playbackMs(): number {
    return this.current ? this.positionOf(this.current.shipper.playId) : this.releasedAtMs;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.home.send({ type: 'control', guildId: this.guildId, op: 'destroy' });
    this.teardown();
  }

  /** The gateway says the bot's voice channel is now `channelId` (a move by an admin); null: left it. */
  observeChannel(channelId: string | null): void {
    if (channelId !== null) this.channel = channelId;
  }

  /** A report from the worker about this guild. */
  receive(message: FromWorker): void {
    switch (message.type) {
      case 'idle':
        this.onIdle(message.playId, message.code, message.failed === true, message.next);
        return;
      case 'credit':
        this.playOf(message.playId)?.shipper.credit(message.bytes);
        return;
      case 'released':
        this.releaseOutgoing(message.playId);
        return;
      case 'moved':
        this.channel = message.channelId;
        this.emit('moved', message.channelId);
        return;
      case 'gone': {
        const listeners = this.listeners('gone');
        this.teardown();
        for (const listener of listeners) listener(message.reason);
        return;
      }
    }
  }

  /**
   * The worker died and this link was joined again on another one (`home`): what was playing is given up
   * with an EngineRestart, which the session answers by reopening the track where it was.
   */
  rehome(home: LinkHome): void {
    const playing = this.current;
    this.releaseCurrent();
    this.forgetAhead();
    for (const playId of [...this.outgoing.keys()]) this.releaseOutgoing(playId);
    this.home = home;
    if (playing) this.emit('idle', new EngineRestart());
  }

  /** The worker died and the link could not be joined again. */
  lost(): void {
    this.receive({ type: 'gone', guildId: this.guildId, reason: 'disconnected' });
  }

  private start(audio: PreparedAudio, fadeMs?: number): void {
    const shipper = this.shipperFor(audio);
    this.current = { shipper };
    this.paused = false;
    this.home.send({ ...this.playMessage(audio, shipper.playId), ...(fadeMs !== undefined ? { fadeMs } : {}) });
    shipper.start();
  }

  /** The queued audio (already shipping) becomes the current one. */
  private startQueued(fadeMs?: number): void {
    const queued = this.queued as Play;
    this.queued = undefined;
    this.current = queued;
    this.paused = false;
    const { playId } = queued.shipper;
    this.home.send({
      type: 'start-queued',
      guildId: this.guildId,
      playId,
      ...(fadeMs !== undefined ? { fadeMs } : {}),
    });
  }

  private shipperFor(audio: PreparedAudio): AudioShipper {
    return new AudioShipper(this.home.nextPlayId(), audio, (message) => this.home.send(message));
  }

  private playMessage(audio: PreparedAudio, playId: number): Extract<ToWorker, { type: 'play' }> {
    return {
      type: 'play',
      guildId: this.guildId,
      playId,
      container: audio.container,
      ...(audio.inlineVolume !== undefined ? { inlineVolume: audio.inlineVolume } : {}),
    };
  }

  /** Forgets the worker's self-started audio (not adopted); the caller still owns it. True if there was one. */
  private dropProvisional(): boolean {
    const provisional = this.provisional;
    this.provisional = undefined;
    provisional?.shipper.close();
    return provisional !== undefined;
  }

  private onIdle(playId: number, code: PlainErrorCode | undefined, failed: boolean, next?: number): void {
    const started = next !== undefined && this.queued?.shipper.playId === next ? this.queued : undefined;
    if (started) this.queued = undefined;
    const playing = this.current;
    if (!playing || playing.shipper.playId !== playId) {
      // This side had already moved on (a stop or play is on its way and ends what the worker started);
      // the caller keeps the audio, though its shipped bytes are gone with it: a rare race at a track's end.
      started?.shipper.close();
      return;
    }
    const error =
      playing.shipper.streamError ??
      (code ? new UserError(code) : failed ? new Error('the audio worker could not play this audio') : undefined);
    this.releaseCurrent();
    this.provisional = started;
    this.emit('idle', error);
  }

  private playOf(playId: number): Play | undefined {
    for (const play of [this.current, this.queued, this.provisional]) if (play?.shipper.playId === playId) return play;
    return this.outgoing.get(playId);
  }

  private positionOf(playId: number): number {
    const base = this.home.slot * POSITION_FIELDS;
    return Atomics.load(this.home.positions, base) === playId ? Atomics.load(this.home.positions, base + 1) : 0;
  }

  private releaseCurrent(): void {
    const playing = this.current;
    if (!playing) return;
    this.releasedAtMs = this.positionOf(playing.shipper.playId);
    playing.shipper.close();
    playing.shipper.audio.dispose();
    this.current = undefined;
    this.paused = false;
  }

  private releaseOutgoing(playId: number): void {
    const play = this.outgoing.get(playId);
    if (!play) return;
    this.outgoing.delete(playId);
    play.shipper.close();
    play.shipper.audio.dispose();
    play.released?.();
  }

  /** What was shipped ahead (queued, or started but not adopted) is gone with its worker; callers own it. */
  private forgetAhead(): void {
    this.dropProvisional();
    this.queued?.shipper.close();
    this.queued = undefined;
  }

  private teardown(): void {
    this.destroyed = true;
    this.releaseCurrent();
    this.forgetAhead();
    for (const playId of [...this.outgoing.keys()]) this.releaseOutgoing(playId);
    this.home.release(this);
    this.removeAllListeners();
  }
}
