import { Worker } from 'node:worker_threads';
import type { OfflineDiscord } from '../../test/offline-discord/index.js';

export interface RelayStats {
  streams: number;
  packets: number;
  gaps: number;
  late: number;
  latePct: number;
  p50GapMs: number;
  p99GapMs: number;
  maxGapMs: number;
  silent: number;
  /** Moments no measured stream sent anything for > 30 ms (the whole bot paused), their count, longest, and total. */
  stalls: number;
  stallMaxMs: number;
  stallTotalMs: number;
}

type Reply = { type: string; id: number } & Record<string, unknown>;

/**
 * Puts a timestamping UDP relay (bench/lib/udp-relay-worker.mjs, on its own thread) in front of each of the
 * fake's voice servers: the bot is told the relay's port in the voice Ready payload, the relay forwards every
 * packet unchanged (and IP-discovery answers back), so everything else works as before. Its packet-gap
 * figures are free of the fake's main-thread queueing.
 */
export class UdpRelay {
  private readonly worker = new Worker(new URL('./udp-relay-worker.mjs', import.meta.url));
  private nextId = 1;
  private readonly pending = new Map<number, (reply: Reply) => void>();

  private constructor() {
    this.worker.on('message', (reply: Reply) => {
      const resolve = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      resolve?.(reply);
    });
    this.worker.unref();
  }

  static async install(discord: OfflineDiscord): Promise<UdpRelay> {
    const relay = new UdpRelay();
    for (const server of discord.voice.servers) {
      const { port } = (await relay.request({ type: 'relay', target: server.udpPort })) as unknown as { port: number };
      // The Ready payload announces `udpPort`: an own property shadows the class getter.
      Object.defineProperty(server, 'udpPort', { get: () => port, configurable: true });
    }
    return relay;
  }

  /** Starts a measurement window over these SSRCs. */
  async start(ssrcs: readonly number[]): Promise<void> {
    await this.request({ type: 'start', ssrcs: [...ssrcs] });
  }

  async end(): Promise<RelayStats> {
    const r = (await this.request({ type: 'end' })) as unknown as Omit<
      RelayStats,
      'latePct' | 'p50GapMs' | 'p99GapMs' | 'maxGapMs'
    > & { p50: number; p99: number; maxGap: number };
    return {
      streams: r.streams,
      packets: r.packets,
      gaps: r.gaps,
      late: r.late,
      silent: r.silent,
      stalls: r.stalls,
      stallMaxMs: r.stallMaxMs,
      stallTotalMs: r.stallTotalMs,
      latePct: r.gaps ? (r.late / r.gaps) * 100 : 0,
      p50GapMs: r.p50,
      p99GapMs: r.p99,
      maxGapMs: r.maxGap,
    };
  }

  /** Starts keeping the arrival time of every packet of these SSRCs (up to `max` each). */
  async trace(ssrcs: readonly number[], max: number): Promise<void> {
    await this.request({ type: 'trace', ssrcs: [...ssrcs], max });
  }

  /** Ends the trace: arrival times per SSRC, on this thread's performance.now() clock. */
  async untrace(): Promise<Map<number, number[]>> {
    const r = (await this.request({ type: 'untrace' })) as unknown as {
      origin: number;
      times: Record<string, number[]>;
    };
    const shift = r.origin - performance.timeOrigin;
    return new Map(Object.entries(r.times).map(([ssrc, times]) => [Number(ssrc), times.map((t) => t + shift)]));
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private request(message: Record<string, unknown>): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ ...message, id });
    });
  }
}
