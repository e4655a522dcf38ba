import type { DiscordGatewayAdapterCreator, DiscordGatewayAdapterLibraryMethods } from '@discordjs/voice';
import { isUserError, type PlainErrorCode } from '../core/errors.js';
import type { PreparedAudio, VoiceLink, VoicePort } from '../ports/voice.js';
import { POSITION_FIELDS, type FromWorker, type ToWorker } from './engine-protocol.js';
import { PortStream } from './port-stream.js';

/** How often positions are published to the main thread (one 20 ms frame). */
const POSITION_PERIOD_MS = 20;

interface HostedLink {
  readonly link: VoiceLink;
  readonly slot: number;
  /** The play on the player now (0: none yet); its position is what the slot shows. */
  playId: number;
  /** The audio shipped ahead as the next one (the session's preload): started here when the current ends. */
  next: { readonly playId: number; readonly audio: PreparedAudio } | undefined;
}

/**
 * An audio worker's side of the engine: owns the voice connections and players of the guilds the main
 * thread put here (through the ordinary voice port, DAVE included), rebuilds each shipped audio as a byte
 * stream, and reports back what the main thread's links mirror. Positions go through shared memory (read
 * synchronously by the main thread), everything else as messages.
 */
export class WorkerHost {
  private readonly links = new Map<string, HostedLink>();
  private readonly streams = new Map<number, PortStream>();
  private readonly joins = new Map<number, AbortController>();
  private readonly adapters = new Map<string, DiscordGatewayAdapterLibraryMethods>();
  private ticker: NodeJS.Timeout | undefined;

  constructor(
    private readonly post: (message: FromWorker) => void,
    private readonly positions: Int32Array,
  ) {}

  /** The gateway adapter of a guild, as @discordjs/voice sees it: every call crosses to the main thread. */
  readonly adapterFor =
    (guildId: string): DiscordGatewayAdapterCreator =>
    (methods) => {
      this.adapters.set(guildId, methods);
      this.post({ type: 'adapter-open', guildId });
      return {
        // The main thread's adapter answers false when the shard is down; the library then sees the
        // connection fail by timeout instead, which it recovers from the same way.
        sendPayload: (payload) => {
          this.post({ type: 'send-payload', guildId, payload });
          return true;
        },
        destroy: () => {
          if (this.adapters.get(guildId) === methods) this.adapters.delete(guildId);
          this.post({ type: 'adapter-close', guildId });
        },
      };
    };

  handle(message: ToWorker, voice: VoicePort): void {
    switch (message.type) {
      case 'join':
        void this.join(voice, message.reqId, message.guildId, message.channelId, message.slot);
        return;
      case 'abort-join':
        this.joins.get(message.reqId)?.abort();
        return;
      case 'play':
        this.play(message);
        return;
      case 'start-queued':
        this.startQueued(message.guildId, message.playId, message.fadeMs);
        return;
      case 'unqueue':
        this.unqueue(message.guildId, message.playId);
        return;
      case 'chunk':
        this.streams.get(message.playId)?.deliver(message.data);
        return;
      case 'end':
        this.streams.get(message.playId)?.finish();
        return;
      case 'fail':
        this.streams.get(message.playId)?.destroy(new Error('the main thread could not read this audio'));
        return;
      case 'control':
        this.control(message.guildId, message.op);
        return;
      case 'shutdown':
        for (const guildId of [...this.links.keys()]) this.control(guildId, 'destroy');
        setImmediate(() => this.post({ type: 'closed' }));
        return;
      default:
        this.adapter(message);
    }
  }

  private adapter(message: Extract<ToWorker, { type: 'voice-server' | 'voice-state' | 'adapter-destroyed' }>): void {
    const methods = this.adapters.get(message.guildId);
    if (!methods) return;
    if (message.type === 'voice-server') methods.onVoiceServerUpdate(message.data as never);
    else if (message.type === 'voice-state') methods.onVoiceStateUpdate(message.data as never);
    else methods.destroy();
  }

  private async join(voice: VoicePort, reqId: number, guildId: string, channelId: string, slot: number) {
    const abort = new AbortController();
    this.joins.set(reqId, abort);
    try {
      const link = await voice.join(guildId, channelId, abort.signal);
      this.joins.delete(reqId);
      this.links.get(guildId)?.link.destroy();
      const hosted: HostedLink = { link, slot, playId: 0, next: undefined };
      this.links.set(guildId, hosted);
      this.publish(hosted);
      link.on('idle', (error) => this.onIdle(guildId, hosted, error));
      link.on('gone', (reason) => {
        this.drop(guildId, hosted);
        this.post({ type: 'gone', guildId, reason });
      });
      link.on('moved', (to) => this.post({ type: 'moved', guildId, channelId: to }));
      this.startTicker();
      this.post({ type: 'joined', reqId });
    } catch (error) {
      this.joins.delete(reqId);
      this.post({ type: 'join-failed', reqId, code: isUserError(error) ? plain(error.code) : 'VOICE_CONNECT_FAILED' });
    }
  }

  /**
   * The current audio ended. Cleanly, with the next one shipped ahead: it starts here and now (the same 20 ms
   * cycle, no round trip to the main thread), and the idle says so; the session then adopts it.
   */
  private onIdle(guildId: string, hosted: HostedLink, error: Error | undefined): void {
    this.publish(hosted);
    const playId = hosted.playId;
    const next = hosted.next;
    if (!error && next) {
      hosted.next = undefined;
      hosted.playId = next.playId;
      hosted.link.play(next.audio);
      this.post({ type: 'idle', guildId, playId, next: next.playId });
      this.publish(hosted);
    } else if (!error) this.post({ type: 'idle', guildId, playId });
    else if (isUserError(error)) this.post({ type: 'idle', guildId, playId, code: plain(error.code) });
    else this.post({ type: 'idle', guildId, playId, failed: true });
  }

  private play(message: Extract<ToWorker, { type: 'play' }>): void {
    const hosted = this.links.get(message.guildId);
    if (!hosted) return;
    const audio = this.receiveAudio(message);
    if (message.queued) {
      hosted.next?.audio.dispose();
      hosted.next = { playId: message.playId, audio };
    } else this.switchTo(hosted, message.playId, audio, message.fadeMs);
  }

  private startQueued(guildId: string, playId: number, fadeMs: number | undefined): void {
    const hosted = this.links.get(guildId);
    const next = hosted?.next;
    if (!hosted || next?.playId !== playId) return;
    hosted.next = undefined;
    this.switchTo(hosted, playId, next.audio, fadeMs);
  }

  private unqueue(guildId: string, playId: number): void {
    const hosted = this.links.get(guildId);
    if (hosted?.next?.playId !== playId) return;
    hosted.next.audio.dispose();
    hosted.next = undefined;
  }

  /** The byte stream a shipped play arrives on, as the voice link's PreparedAudio. */
  private receiveAudio(message: Extract<ToWorker, { type: 'play' }>): PreparedAudio {
    const { playId, guildId } = message;
    const stream = new PortStream((bytes) => this.post({ type: 'credit', guildId, playId, bytes }));
    this.streams.set(playId, stream);
    stream.once('close', () => this.streams.delete(playId));
    const audio: PreparedAudio = {
      stream,
      container: message.container,
      pipeline: message.container === 'pcm' ? 'baseline' : 'passthrough',
      ...(message.inlineVolume !== undefined ? { inlineVolume: message.inlineVolume } : {}),
      dispose: () => stream.destroy(),
    };
    return audio;
  }

  private switchTo(hosted: HostedLink, playId: number, audio: PreparedAudio, fadeMs: number | undefined): void {
    const guildId = hosted.link.guildId;
    const outgoing = hosted.playId;
    hosted.playId = playId;
    const released = () => this.post({ type: 'released', guildId, playId: outgoing });
    if (fadeMs === undefined || !hosted.link.crossfade(audio, fadeMs, released)) {
      hosted.link.play(audio);
      if (fadeMs !== undefined) released();
    }
    this.publish(hosted);
  }

  private control(guildId: string, op: Extract<ToWorker, { type: 'control' }>['op']): void {
    const hosted = this.links.get(guildId);
    if (!hosted) return;
    if (op === 'stop') {
      // A stop is not an end: the queued next must not start by itself on the idle it causes.
      const next = hosted.next;
      hosted.next = undefined;
      hosted.link.stop();
      hosted.next = next;
    } else if (op === 'pause') hosted.link.pause();
    else if (op === 'resume') hosted.link.resume();
    else if (op === 'seamless') hosted.link.seamless();
    else {
      this.drop(guildId, hosted);
      hosted.link.destroy();
    }
  }

  private drop(guildId: string, hosted: HostedLink): void {
    if (this.links.get(guildId) === hosted) this.links.delete(guildId);
    hosted.next?.audio.dispose();
    hosted.next = undefined;
    if (this.links.size === 0 && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  /** Writes a link's position: playbackMs first, then the play it belongs to (the reader checks the latter). */
  private publish(hosted: HostedLink): void {
    const base = hosted.slot * POSITION_FIELDS;
    Atomics.store(this.positions, base + 1, Math.min(2 ** 31 - 1, Math.round(hosted.link.playbackMs())));
    Atomics.store(this.positions, base, hosted.playId);
  }

  private startTicker(): void {
    if (this.ticker) return;
    this.ticker = setInterval(() => {
      for (const hosted of this.links.values()) this.publish(hosted);
    }, POSITION_PERIOD_MS);
  }
}

/**
 * The voice adapter's failures (VOICE_*, STREAM_STALLED) have templates without values, so the code alone
 * rebuilds the same text on the main thread.
 */
const plain = (code: string): PlainErrorCode => code as PlainErrorCode;
