import { Gauge, type Registry } from 'prom-client';
import { METRIC_PREFIX } from './metric-families.js';

/**
 * What the track resolver reports about itself (its `stats()`), as far as /metrics shows it. Structural, so
 * ops stays below the resolver in the layers: the composition root hands in `() => resolver.stats()`.
 */
export interface ResolverSample {
  readonly cache: {
    readonly hits: number;
    readonly misses: number;
    readonly streamHits: number;
    readonly streamMisses: number;
    readonly memoryEntries: number;
  };
  readonly pool: {
    readonly queued: number;
    readonly running: number;
    readonly backingOff: number;
    readonly completed: number;
    readonly failed: number;
    readonly cancelled: number;
    readonly timedOut: number;
    readonly retried: number;
  };
  /** Circuit breaker state per source (`closed`, `open`, `half-open`). */
  readonly breakers: Readonly<Record<string, string>>;
  readonly coalesced: number;
}

const BREAKER_STATES = ['closed', 'open', 'half-open'] as const;

/**
 * Registers the resolver's gauges, each read from `sample` (cheap) when scraped; nothing is pushed. Cardinality is
 * bounded: sources are the registry's fixed list, states and kinds are fixed sets. Counts since start are
 * gauges because they are read whole from the resolver, not incremented here.
 */
export function registerResolverMetrics(registry: Registry, sample: () => ResolverSample): void {
  const p = METRIC_PREFIX;
  const registers = [registry];
  new Gauge({
    name: `${p}resolver_cache_lookups`,
    help: 'Song cache lookups since start, by entry kind (metadata, stream URL) and result',
    labelNames: ['kind', 'result'] as const,
    registers,
    collect() {
      const { cache } = sample();
      this.set({ kind: 'metadata', result: 'hit' }, cache.hits);
      this.set({ kind: 'metadata', result: 'miss' }, cache.misses);
      this.set({ kind: 'stream_url', result: 'hit' }, cache.streamHits);
      this.set({ kind: 'stream_url', result: 'miss' }, cache.streamMisses);
    },
  });
  new Gauge({
    name: `${p}resolver_cache_memory_entries`,
    help: 'Entries in the in-memory layer of the song cache',
    registers,
    collect() {
      this.set(sample().cache.memoryEntries);
    },
  });
  new Gauge({
    name: `${p}resolver_pool_jobs`,
    help: 'Worker pool jobs now, by state (queued, running, backing off before a retry)',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const { pool } = sample();
      this.set({ state: 'queued' }, pool.queued);
      this.set({ state: 'running' }, pool.running);
      this.set({ state: 'backing_off' }, pool.backingOff);
    },
  });
  new Gauge({
    name: `${p}resolver_pool_outcomes`,
    help: 'Worker pool jobs since start, by outcome',
    labelNames: ['outcome'] as const,
    registers,
    collect() {
      const { completed, failed, cancelled, timedOut, retried } = sample().pool;
      for (const [outcome, value] of Object.entries({ completed, failed, cancelled, timed_out: timedOut, retried })) {
        this.set({ outcome }, value);
      }
    },
  });
  new Gauge({
    name: `${p}resolver_breaker_state`,
    help: 'Circuit breaker state per source (1 for the state it is in, 0 for the others)',
    labelNames: ['source', 'state'] as const,
    registers,
    collect() {
      for (const [source, state] of Object.entries(sample().breakers)) {
        for (const s of BREAKER_STATES) this.set({ source, state: s }, s === state ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: `${p}resolver_coalesced_lookups`,
    help: 'Lookups since start that joined an identical one already in flight',
    registers,
    collect() {
      this.set(sample().coalesced);
    },
  });
}
