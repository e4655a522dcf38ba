import { availableParallelism } from 'node:os';
import { UserError } from '../core/errors.js';
import type { VoiceLink, VoicePort } from '../ports/voice.js';
import type { AdapterSource } from '../voice/discord-voice.js';
import { AudioWorker, type WorkerSinks } from './audio-worker.js';
import { POSITION_FIELDS, SLOTS_PER_WORKER, type WorkerBoot } from './engine-protocol.js';
import { WorkerVoiceLink, type LinkHome } from './worker-link.js';

/** A rejoin after a worker died waits this long for the new worker's voice connection. */
const REJOIN_TIMEOUT_MS = 20_000;
/** Restart delay after the n-th death in a row: 0.25, 0.5, 1, 2, 4, then 5 s (a crash loop must not spin). */
const restartDelayMs = (deaths: number): number => Math.min(5000, 250 * 2 ** Math.max(0, deaths - 1));

export interface WorkerVoiceOptions {
  /** Threads to run (>= 1). */
  readonly workers: number;
  /** discord.js's adapters on this thread. */
  readonly adapters: AdapterSource;
  readonly sinks: Omit<WorkerSinks, 'died'>;
  /** Whether the Opus codec loads, so crossfades can be mixed. */
  readonly canMix: boolean;
  readonly mixBitrate: number;
  readonly frameIntervalMs?: number;
  /** The worker script (default: engine-worker.js beside this file; tests point at dist/). */
  readonly workerUrl?: URL;
}

/** AUDIO_WORKERS=auto: one worker per core, one on a single-core host. */
export const autoWorkers = (): number => Math.max(1, availableParallelism());

/**
 * The voice port on audio worker threads: each guild's connection and player live in one worker (the one
 * with the fewest guilds when it joins), and the session talks to a WorkerVoiceLink that mirrors it. A
 * worker that dies is started again and its guilds are joined again there; what they were playing resumes
 * where it was (the links report EngineRestart). Resolve `start()` before the first join.
 */
export class WorkerVoice implements VoicePort {
  private readonly workers: AudioWorker[] = [];
  private readonly deaths: number[] = [];
  private readonly url: URL;
  private reqIds = 0;
  private playIds = 0;
  private closing = false;

  constructor(private readonly options: WorkerVoiceOptions) {
    this.url = options.workerUrl ?? new URL('./engine-worker.js', import.meta.url);
  }

  /** Starts the workers; 'unavailable' when they cannot load the voice library (DAVE binary missing). */
  async start(): Promise<'ready' | 'unavailable'> {
    for (let i = 0; i < this.options.workers; i++) this.workers.push(this.spawn(i));
    const states = await Promise.all(this.workers.map((w) => w.ready));
    return states.every((s) => s === 'ready') ? 'ready' : 'unavailable';
  }

  async join(guildId: string, channelId: string, signal?: AbortSignal): Promise<VoiceLink> {
    if (!this.options.adapters(guildId)) throw new UserError('VOICE_CONNECT_FAILED');
    const worker = this.leastLoaded();
    if (!worker) throw new UserError('VOICE_CONNECT_FAILED');
    const home = await this.place(worker, guildId, channelId, signal);
    const link = new WorkerVoiceLink(guildId, channelId, home);
    worker.links.set(guildId, link);
    return link;
  }

  /** Guilds per worker (for /status and the benchmark). */
  load(): number[] {
    return this.workers.map((w) => w.links.size);
  }

  /** Ends worker `index` as a crash would (see AudioEngine.crash); false when there is no such worker. */
  crash(index: number): boolean {
    const worker = this.workers[index];
    if (worker?.status !== 'ready') return false;
    void worker.crash();
    return true;
  }

  /** Ends every worker (after the sessions have left voice). */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.stop()));
  }

  private leastLoaded(): AudioWorker | undefined {
    let best: AudioWorker | undefined;
    const load = (w: AudioWorker) => w.links.size + w.joining;
    for (const w of this.workers) if (w.status === 'ready' && (!best || load(w) < load(best))) best = w;
    return best;
  }

  /** Joins on `worker` and returns the link's home there. */
  private async place(worker: AudioWorker, guildId: string, channelId: string, signal?: AbortSignal) {
    const slot = worker.takeSlot();
    worker.joining += 1;
    try {
      await worker.join(++this.reqIds, guildId, channelId, slot, signal);
    } catch (error) {
      worker.freeSlot(slot);
      throw error;
    } finally {
      worker.joining -= 1;
    }
    const home: LinkHome = {
      send: (message) => worker.post(message),
      nextPlayId: () => ++this.playIds,
      positions: worker.positions,
      slot,
      canMix: this.options.canMix,
      release: (link) => {
        if (worker.links.get(guildId) === link) worker.links.delete(guildId);
        worker.freeSlot(slot);
      },
    };
    return home;
  }

  private spawn(index: number): AudioWorker {
    const boot: WorkerBoot = {
      positions: new SharedArrayBuffer(SLOTS_PER_WORKER * POSITION_FIELDS * Int32Array.BYTES_PER_ELEMENT),
      frameIntervalMs: this.options.frameIntervalMs ?? 5000,
      mixBitrate: this.options.mixBitrate,
    };
    return new AudioWorker(index, boot, this.url, this.options.adapters, {
      ...this.options.sinks,
      died: (worker) => void this.restart(worker),
    });
  }

  /** A worker died: start another in its place and join its guilds there again. */
  private async restart(dead: AudioWorker): Promise<void> {
    if (this.closing) return;
    const now = Date.now();
    this.deaths.push(now);
    while (this.deaths.length > 0 && (this.deaths[0] as number) < now - 60_000) this.deaths.shift();
    const links = [...dead.links.values()];
    this.options.sinks.logger.error({ worker: dead.index, guilds: links.length }, 'audio worker died; restarting it');
    await new Promise((resolve) => setTimeout(resolve, restartDelayMs(this.deaths.length)));
    const fresh = this.spawn(dead.index);
    this.workers[dead.index] = fresh;
    if ((await fresh.ready) !== 'ready') {
      for (const link of links) link.lost();
      return;
    }
    await Promise.all(links.map((link) => this.rejoin(fresh, link)));
  }

  private async rejoin(worker: AudioWorker, link: WorkerVoiceLink): Promise<void> {
    try {
      const home = await this.place(worker, link.guildId, link.channelId(), AbortSignal.timeout(REJOIN_TIMEOUT_MS));
      worker.links.set(link.guildId, link);
      link.rehome(home);
    } catch {
      link.lost();
    }
  }
}
