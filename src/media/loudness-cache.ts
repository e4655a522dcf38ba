import type { Track } from '../core/track.js';
import type { Logger } from '../ports/logger.js';
import type { Loudness, LoudnessPort } from '../ports/loudness.js';
import type { KeyValueStore } from '../ports/store.js';

export interface LoudnessCacheDeps {
  readonly store: KeyValueStore;
  /** Measures one track (opens its source, runs the analysis); rejects when it can't. */
  readonly analyze: (track: Track, signal: AbortSignal) => Promise<Loudness>;
  readonly logger: Logger;
  readonly onLookup?: (hit: boolean) => void;
  readonly onAnalysis?: (ok: boolean, seconds: number) => void;
  /** Analyses at once over the whole bot (default 1: it is background work on a small machine). */
  readonly concurrency?: number;
  /** Longest one analysis may take (default 5 minutes: an hour-long mix decodes in well under that). */
  readonly timeoutMs?: number;
}

/** A track's loudness does not change; the store keeps it a long time, memory keeps the most recent. */
const STORE_TTL_MS = 90 * 24 * 3600_000;
const MEMORY_ENTRIES = 5_000;

/**
 * Track loudness, measured once per track id and kept in memory and in the store (next to the resolved-song
 * cache, under `loudness:<track id>`), so a second play, even after a restart, needs no analysis. Concurrent
 * requests for one track share one analysis; analyses over all guilds run at most `concurrency` at a time.
 */
export class LoudnessCache implements LoudnessPort {
  private readonly memory = new Map<string, Loudness | null>();
  private readonly inflight = new Map<string, Promise<Loudness | null>>();
  private readonly waiting: Array<() => void> = [];
  private running = 0;

  constructor(private readonly deps: LoudnessCacheDeps) {}

  lookup(track: Track): Loudness | null | undefined {
    const known = this.memory.get(track.id);
    this.deps.onLookup?.(known !== undefined);
    return known;
  }

  measure(track: Track): Promise<Loudness | null> {
    const known = this.memory.get(track.id);
    if (known !== undefined) return Promise.resolve(known);
    let pending = this.inflight.get(track.id);
    if (!pending) {
      pending = this.load(track).finally(() => this.inflight.delete(track.id));
      this.inflight.set(track.id, pending);
    }
    return pending;
  }

  private async load(track: Track): Promise<Loudness | null> {
    const key = `loudness:${track.id}`;
    const stored = await this.deps.store.get<Loudness>(key).catch(() => undefined);
    if (stored && Number.isFinite(stored.integratedLufs)) return this.remember(track.id, stored);
    const loudness = await this.analyzeInTurn(track);
    // A failure is remembered in memory only (not retried on every play), never stored: it may be transient.
    if (loudness) await this.deps.store.set(key, loudness, STORE_TTL_MS).catch(() => undefined);
    return this.remember(track.id, loudness);
  }

  private async analyzeInTurn(track: Track): Promise<Loudness | null> {
    if (this.running >= (this.deps.concurrency ?? 1)) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running += 1;
    const started = performance.now();
    try {
      const loudness = await this.deps.analyze(track, AbortSignal.timeout(this.deps.timeoutMs ?? 300_000));
      this.deps.onAnalysis?.(true, (performance.now() - started) / 1000);
      this.deps.logger.debug({ track: track.id, ...loudness }, 'loudness measured');
      return loudness;
    } catch (error) {
      this.deps.onAnalysis?.(false, (performance.now() - started) / 1000);
      this.deps.logger.info(
        { err: error, track: track.id },
        'could not measure loudness; the track plays unnormalized',
      );
      return null;
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }

  private remember(id: string, loudness: Loudness | null): Loudness | null {
    this.memory.delete(id);
    this.memory.set(id, loudness);
    if (this.memory.size > MEMORY_ENTRIES) this.memory.delete(this.memory.keys().next().value as string);
    return loudness;
  }
}
