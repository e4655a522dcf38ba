import {
  concatPcm,
  dominantFrequency,
  isSilenceFrame,
  OpusStreamDecoder,
  packetGapStats,
  rms,
  SILENCE_RMS,
} from './audio.js';
import type { GapStats } from './audio.js';
import type { RtpHeader } from './voice-crypto.js';
import { ChangeFeed } from './wait.js';

/** One decrypted voice packet as it reached the fake. */
export interface ReceivedPacket {
  guildId: string;
  connectionId: number;
  ssrc: number;
  seq: number;
  timestamp: number;
  /** performance.now() in the test process at arrival. */
  arrivalMs: number;
  opus: Buffer;
  /** The F8 FF FE silence frame. */
  silence: boolean;
  /** Decoded 20 ms of 48 kHz stereo (dropped after `keepPcmMs` to bound memory). */
  pcm: Int16Array | undefined;
  rms: number;
  /** Not a silence frame and louder than about -50 dBFS. */
  audible: boolean;
  /** The frame was DAVE end-to-end encrypted and a listener decrypted it (false: transport encryption only). */
  e2ee: boolean;
}

/** Packets since a mark, with analysis helpers. */
export interface VoiceCapture {
  readonly since: number;
  packets(): ReceivedPacket[];
  audible(): ReceivedPacket[];
  pcm(): Int16Array;
  frequency(): number | null;
  stats(): GapStats;
}

export interface WaitOptions {
  timeoutMs?: number;
  /** Only packets arriving at or after this performance.now() time count (default: the call time). */
  since?: number;
}

/** Receives decoded audio per guild and answers "what did the bot play, and when". */
export class VoiceRecorder {
  readonly feed = new ChangeFeed();
  private readonly byGuild = new Map<string, ReceivedPacket[]>();
  private readonly decoders = new Map<number, OpusStreamDecoder>();

  constructor(private readonly keepPcmMs = 10 * 60_000) {}

  add(guildId: string, connectionId: number, header: RtpHeader, opus: Buffer, arrivalMs: number, e2ee = false): void {
    let decoder = this.decoders.get(header.ssrc);
    if (!decoder) {
      decoder = new OpusStreamDecoder();
      this.decoders.set(header.ssrc, decoder);
    }
    const silence = isSilenceFrame(opus);
    let pcm: Int16Array | undefined;
    try {
      pcm = decoder.decode(opus);
    } catch {
      pcm = undefined;
    }
    const level = pcm ? rms(pcm) : 0;
    const list = this.packets(guildId);
    list.push({
      guildId,
      connectionId,
      ssrc: header.ssrc,
      seq: header.sequence,
      timestamp: header.timestamp,
      arrivalMs,
      opus,
      silence,
      pcm,
      rms: level,
      audible: !silence && level >= SILENCE_RMS,
      e2ee,
    });
    if (list.length % 500 === 0)
      for (const p of list) if (p.pcm && arrivalMs - p.arrivalMs > this.keepPcmMs) p.pcm = undefined;
    this.feed.notify();
  }

  /** Every packet received for the guild (live array). */
  packets(guildId: string): ReceivedPacket[] {
    let list = this.byGuild.get(guildId);
    if (!list) {
      list = [];
      this.byGuild.set(guildId, list);
    }
    return list;
  }

  /** Marks now; the capture's methods see only packets that arrive afterwards. */
  capture(guildId: string, since = performance.now()): VoiceCapture {
    const packets = (): ReceivedPacket[] => this.packets(guildId).filter((p) => p.arrivalMs >= since);
    return {
      since,
      packets,
      audible: () => packets().filter((p) => p.audible),
      pcm: () => concatPcm(packets().flatMap((p) => (p.pcm ? [p.pcm] : []))),
      frequency: () => dominantFrequency(concatPcm(packets().flatMap((p) => (p.audible && p.pcm ? [p.pcm] : [])))),
      stats: () => packetGapStats(packets()),
    };
  }

  /** Resolves with the arrival time of the first audible packet at or after `since`. */
  waitForAudio(guildId: string, options: WaitOptions = {}): Promise<number> {
    const since = options.since ?? performance.now();
    return this.feed.waitFor(
      () => this.packets(guildId).find((p) => p.arrivalMs >= since && p.audible)?.arrivalMs,
      options.timeoutMs ?? 10_000,
      () => `audible audio in guild ${guildId} (${this.describe(guildId, since)})`,
    );
  }

  /** The dominant frequency of the audible audio that arrived between two performance.now() times. */
  frequencyBetween(guildId: string, fromMs: number, toMs: number): number | null {
    const pcm = this.packets(guildId)
      .filter((p) => p.arrivalMs >= fromMs && p.arrivalMs <= toMs && p.audible && p.pcm)
      .map((p) => p.pcm!);
    return dominantFrequency(concatPcm(pcm));
  }

  /**
   * Resolves once the last `windowMs` of audible audio has a dominant frequency within `toleranceHz` of `hz`.
   * Returns the measured frequency and the arrival time of the window's first packet.
   */
  waitForFrequency(
    guildId: string,
    hz: number,
    options: WaitOptions & { toleranceHz?: number; windowMs?: number } = {},
  ): Promise<{ hz: number; at: number }> {
    const since = options.since ?? performance.now();
    const windowMs = options.windowMs ?? 500;
    const tolerance = options.toleranceHz ?? 5;
    let lastEval = -Infinity;
    let lastSeen: number | null = null;
    return this.feed.waitFor(
      () => {
        const now = performance.now();
        if (now - lastEval < 150) return undefined;
        const audible = this.packets(guildId).filter((p) => p.arrivalMs >= since && p.audible && p.pcm);
        const last = audible[audible.length - 1];
        if (!last) return undefined;
        const window = audible.filter((p) => p.arrivalMs >= last.arrivalMs - windowMs);
        if (window.length * 20 < windowMs * 0.8) return undefined;
        lastEval = now;
        lastSeen = dominantFrequency(concatPcm(window.map((p) => p.pcm!)));
        return lastSeen !== null && Math.abs(lastSeen - hz) <= tolerance
          ? { hz: lastSeen, at: window[0]!.arrivalMs }
          : undefined;
      },
      options.timeoutMs ?? 10_000,
      () =>
        `${hz} Hz ±${tolerance} in guild ${guildId}; last measured ${String(lastSeen)} Hz (${this.describe(guildId, since)})`,
    );
  }

  /**
   * Resolves once no audible packet has arrived for `ms` (silence frames or no packets at all).
   * Returns when the silence began: the end of the last audible packet, or `since` if there was none.
   */
  waitForSilence(guildId: string, ms: number, options: WaitOptions = {}): Promise<number> {
    const since = options.since ?? performance.now();
    return new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const timer = setInterval(() => {
        const now = performance.now();
        const lastAudible = this.packets(guildId).findLast((p) => p.audible);
        const silentSince = Math.max(since, lastAudible ? lastAudible.arrivalMs + 20 : since);
        if (now - silentSince >= ms) {
          clearInterval(timer);
          resolve(silentSince);
        } else if (now - started > (options.timeoutMs ?? 10_000)) {
          clearInterval(timer);
          reject(
            new Error(
              `Timed out waiting for ${ms} ms of silence in guild ${guildId} (${this.describe(guildId, since)})`,
            ),
          );
        }
      }, 10);
    });
  }

  /** Frees the Opus decoders. */
  close(): void {
    for (const decoder of this.decoders.values()) decoder.close();
    this.decoders.clear();
  }

  private describe(guildId: string, since: number): string {
    const all = this.packets(guildId);
    const recent = all.filter((p) => p.arrivalMs >= since);
    return `${all.length} packets in total, ${recent.length} since the mark, ${recent.filter((p) => p.audible).length} audible`;
  }
}
