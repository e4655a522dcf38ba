import type { OfflineDiscord, RtpHeader } from '../../test/offline-discord/index.js';
import { GapHistogram } from './stats.js';

/** A frame more than this after the previous one of the same stream counts as late (two 20 ms slots). */
export const LATE_GAP_MS = 40;

interface GuildAudio {
  packets: number;
  lastAt: number;
  lastAudibleAt: number;
  /** Measurement window (see `startWindow`). */
  window: { packets: number; audible: number; late: number; hist: GapHistogram; maxGap: number } | undefined;
  trace: Array<{ at: number; silence: boolean }> | undefined;
  waiters: Array<{ since: number; resolve: (at: number) => void }>;
}

export interface WindowStats {
  guilds: number;
  seconds: number;
  /** Mean audio packets per second per stream. */
  packetsPerSecond: number;
  /** Over every inter-packet gap of every stream in the window. */
  p50GapMs: number;
  p99GapMs: number;
  maxGapMs: number;
  gaps: number;
  late: number;
  latePct: number;
  /** Streams that sent nothing at all in the window. */
  silentStreams: number;
}

/**
 * A cheap replacement for the fake's VoiceRecorder during benchmarks: it keeps counters and a gap histogram
 * per guild instead of decoding every packet with a WebAssembly Opus decoder, so the fake (which shares the
 * two cores with the bot) costs as little as possible. Packets are still decrypted by the fake's voice
 * server, so only real, correctly encrypted frames count. A packet is "audible" when it is not the 3-byte
 * Opus silence frame (F8 FF FE) that @discordjs/voice sends as padding.
 */
export class LightRecorder {
  private readonly guilds = new Map<string, GuildAudio>();
  private windowStart = 0;

  constructor(discord: OfflineDiscord) {
    const recorder = discord.voice.recorder as unknown as {
      add: (guildId: string, connectionId: number, header: RtpHeader, opus: Buffer, at: number) => void;
    };
    recorder.add = (guildId, _connectionId, _header, opus, at) => this.add(guildId, opus, at);
  }

  private guild(guildId: string): GuildAudio {
    let g = this.guilds.get(guildId);
    if (!g) {
      g = { packets: 0, lastAt: 0, lastAudibleAt: 0, window: undefined, trace: undefined, waiters: [] };
      this.guilds.set(guildId, g);
    }
    return g;
  }

  private add(guildId: string, opus: Buffer, at: number): void {
    const g = this.guild(guildId);
    const silence = opus.length === 3 && opus[0] === 0xf8 && opus[1] === 0xff && opus[2] === 0xfe;
    const w = g.window;
    if (w) {
      w.packets += 1;
      if (!silence) w.audible += 1;
      if (g.lastAt > 0) {
        const gap = at - g.lastAt;
        w.hist.add(gap);
        if (gap > LATE_GAP_MS) w.late += 1;
        if (gap > w.maxGap) w.maxGap = gap;
      }
    }
    g.packets += 1;
    g.lastAt = at;
    g.trace?.push({ at, silence });
    if (silence) return;
    g.lastAudibleAt = at;
    if (g.waiters.length > 0) {
      const keep = g.waiters.filter((waiter) => {
        if (at < waiter.since) return true;
        waiter.resolve(at);
        return false;
      });
      g.waiters = keep;
    }
  }

  /** Resolves with the arrival time of the first audible packet at or after `since`. */
  waitForAudio(guildId: string, since: number, timeoutMs = 20_000): Promise<number> {
    const g = this.guild(guildId);
    if (g.lastAudibleAt >= since) return Promise.resolve(g.lastAudibleAt);
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        g.waiters = g.waiters.filter((w) => w !== waiter);
        reject(new Error(`no audio in guild ${guildId} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = {
        since,
        resolve: (at: number) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
      g.waiters.push(waiter);
    });
  }

  lastAudibleAt(guildId: string): number {
    return this.guild(guildId).lastAudibleAt;
  }

  /** Starts keeping every packet's arrival (for track-gap analysis); returns the live list. */
  trace(guildId: string): Array<{ at: number; silence: boolean }> {
    const g = this.guild(guildId);
    g.trace = [];
    return g.trace;
  }

  untrace(guildId: string): void {
    this.guild(guildId).trace = undefined;
  }

  /** Starts a measurement window for these guilds (any previous window is discarded). */
  startWindow(guildIds: readonly string[]): void {
    for (const g of this.guilds.values()) g.window = undefined;
    for (const id of guildIds)
      this.guild(id).window = { packets: 0, audible: 0, late: 0, hist: new GapHistogram(), maxGap: 0 };
    this.windowStart = performance.now();
  }

  /** Stats since `startWindow`, over every stream in it. */
  endWindow(): WindowStats {
    const seconds = (performance.now() - this.windowStart) / 1000;
    const all = new GapHistogram();
    let guilds = 0;
    let audible = 0;
    let late = 0;
    let maxGap = 0;
    let silentStreams = 0;
    for (const g of this.guilds.values()) {
      const w = g.window;
      if (!w) continue;
      guilds += 1;
      audible += w.audible;
      late += w.late;
      maxGap = Math.max(maxGap, w.maxGap);
      if (w.audible === 0) silentStreams += 1;
      all.merge(w.hist);
      g.window = undefined;
    }
    return {
      guilds,
      seconds,
      packetsPerSecond: guilds ? audible / guilds / seconds : 0,
      p50GapMs: all.quantile(0.5),
      p99GapMs: all.quantile(0.99),
      maxGapMs: maxGap,
      gaps: all.count,
      late,
      latePct: all.count ? (late / all.count) * 100 : 0,
      silentStreams,
    };
  }
}
