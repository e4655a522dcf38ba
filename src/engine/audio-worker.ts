import { Worker } from 'node:worker_threads';
import { UserError } from '../core/errors.js';
import type { Logger } from '../ports/logger.js';
import type { AdapterSource } from '../voice/discord-voice.js';
import { AdapterBridge } from './adapter-bridge.js';
import {
  POSITION_FIELDS,
  SLOTS_PER_WORKER,
  type FromWorker,
  type ToWorker,
  type WorkerBoot,
} from './engine-protocol.js';
import type { WorkerVoiceLink } from './worker-link.js';

/** What an audio worker reports that is not about one link. */
export interface WorkerSinks {
  readonly logger: Logger;
  frames(guildId: string, sent: number, expected: number, silence: number): void;
  reconnect(): void;
  /** The thread exited without being asked to (crash, out of memory). */
  died(worker: AudioWorker): void;
}

/** How long a worker may take to leave its channels at shutdown. */
const STOP_GRACE_MS = 2000;

interface PendingJoin {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * One audio worker thread and what the main thread keeps about it: its links by guild, their position
 * slots, joins waiting for an answer, and the gateway adapters it borrows. State: `starting` until the
 * worker has loaded @discordjs/voice, then `ready` or `unavailable` (DAVE library missing), `dead` once it exits.
 */
export class AudioWorker {
  readonly links = new Map<string, WorkerVoiceLink>();
  /** Joins under way here: counted with the links when guilds are balanced (twenty /play at once). */
  joining = 0;
  readonly positions: Int32Array;
  status: 'starting' | 'ready' | 'unavailable' | 'dead' = 'starting';
  readonly ready: Promise<'ready' | 'unavailable' | 'dead'>;
  private readonly thread: Worker;
  private readonly joins = new Map<number, PendingJoin>();
  private readonly freeSlots: number[];
  private readonly bridge: AdapterBridge;
  private stopping = false;
  private closed: (() => void) | undefined;

  constructor(
    readonly index: number,
    boot: WorkerBoot,
    url: URL,
    adapters: AdapterSource,
    private readonly sinks: WorkerSinks,
  ) {
    this.positions = new Int32Array(boot.positions);
    this.freeSlots = Array.from({ length: SLOTS_PER_WORKER }, (_, i) => SLOTS_PER_WORKER - 1 - i);
    this.bridge = new AdapterBridge(
      adapters,
      (message) => this.post(message),
      (guildId, channelId) => this.links.get(guildId)?.observeChannel(channelId),
    );
    this.thread = new Worker(url, { workerData: boot, name: `audio-${index}` });
    this.ready = new Promise((resolve) => {
      this.thread.on('message', (message: FromWorker) => {
        if (message.type === 'ready' || message.type === 'unavailable') {
          this.status = message.type;
          resolve(message.type);
        } else this.dispatch(message);
      });
      this.thread.once('exit', () => {
        resolve('dead');
        this.onExit();
      });
    });
    this.thread.on('error', (error) => sinks.logger.error({ err: error, worker: index }, 'audio worker failed'));
  }

  post(message: ToWorker): void {
    if (this.status === 'dead') return;
    this.thread.postMessage(message);
  }

  takeSlot(): number {
    const slot = this.freeSlots.pop();
    if (slot === undefined) throw new UserError('VOICE_CONNECT_FAILED');
    Atomics.store(this.positions, slot * POSITION_FIELDS, 0);
    return slot;
  }

  freeSlot(slot: number): void {
    this.freeSlots.push(slot);
  }

  /** Asks the worker to join; settles when audio can flow (or rejects with the worker's UserError). */
  join(reqId: number, guildId: string, channelId: string, slot: number, signal?: AbortSignal): Promise<void> {
    if (this.status !== 'ready') return Promise.reject(new UserError('VOICE_CONNECT_FAILED'));
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => this.post({ type: 'abort-join', reqId });
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      this.joins.set(reqId, {
        resolve: () => {
          done();
          resolve();
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
      this.post({ type: 'join', reqId, guildId, channelId, slot });
    });
  }

  /**
   * Ends the thread on purpose (shutdown): not a death, nothing is restarted. The worker leaves its channels
   * first (its op 4 payloads reach the gateway before `closed`, messages keep their order), bounded in time.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.status === 'ready') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, STOP_GRACE_MS);
        this.closed = () => {
          clearTimeout(timer);
          resolve();
        };
        this.post({ type: 'shutdown' });
      });
    }
    await this.thread.terminate();
  }

  /** Ends the thread without a goodbye: to the engine this is a death (the worker is restarted). */
  async crash(): Promise<void> {
    await this.thread.terminate();
  }

  private dispatch(message: FromWorker): void {
    switch (message.type) {
      case 'joined':
        this.settleJoin(message.reqId);
        return;
      case 'join-failed':
        this.settleJoin(message.reqId, new UserError(message.code));
        return;
      case 'adapter-open':
      case 'adapter-close':
      case 'send-payload':
        this.bridge.receive(message);
        return;
      case 'frames':
        this.sinks.frames(message.guildId, message.sent, message.expected, message.silence);
        return;
      case 'closed':
        this.closed?.();
        return;
      case 'reconnect':
        this.sinks.reconnect();
        return;
      case 'log': {
        const logger = this.sinks.logger.child({ ...message.bindings, worker: this.index });
        logger[message.level](message.obj, message.msg);
        return;
      }
      default:
        if ('guildId' in message) this.links.get(message.guildId)?.receive(message);
    }
  }

  private settleJoin(reqId: number, error?: Error): void {
    const pending = this.joins.get(reqId);
    this.joins.delete(reqId);
    if (error) pending?.reject(error);
    else pending?.resolve();
  }

  private onExit(): void {
    this.status = 'dead';
    this.bridge.closeAll();
    for (const pending of this.joins.values()) pending.reject(new UserError('VOICE_CONNECT_FAILED'));
    this.joins.clear();
    if (!this.stopping) this.sinks.died(this);
  }
}
