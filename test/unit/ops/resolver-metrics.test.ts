import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerResolverMetrics, type ResolverSample } from '../../../src/ops/resolver-metrics.js';

const sample = (over: Partial<ResolverSample> = {}): ResolverSample => ({
  cache: { hits: 3, misses: 1, streamHits: 2, streamMisses: 5, memoryEntries: 7 },
  pool: { queued: 4, running: 2, backingOff: 1, completed: 10, failed: 2, cancelled: 1, timedOut: 1, retried: 3 },
  breakers: { youtube: 'open', http: 'closed' },
  coalesced: 6,
  ...over,
});

describe('resolver metrics', () => {
  it('shows the resolver stats on every scrape, read afresh each time', async () => {
    const registry = new Registry();
    let current = sample();
    registerResolverMetrics(registry, () => current);
    const text = await registry.metrics();
    expect(text).toContain('tunebot_resolver_cache_lookups{kind="metadata",result="hit"} 3');
    expect(text).toContain('tunebot_resolver_cache_lookups{kind="stream_url",result="miss"} 5');
    expect(text).toContain('tunebot_resolver_cache_memory_entries 7');
    expect(text).toContain('tunebot_resolver_pool_jobs{state="queued"} 4');
    expect(text).toContain('tunebot_resolver_pool_outcomes{outcome="timed_out"} 1');
    expect(text).toContain('tunebot_resolver_breaker_state{source="youtube",state="open"} 1');
    expect(text).toContain('tunebot_resolver_breaker_state{source="youtube",state="closed"} 0');
    expect(text).toContain('tunebot_resolver_coalesced_lookups 6');
    current = sample({ breakers: { youtube: 'half-open', http: 'closed' }, coalesced: 9 });
    const later = await registry.metrics();
    expect(later).toContain('tunebot_resolver_breaker_state{source="youtube",state="half-open"} 1');
    expect(later).toContain('tunebot_resolver_breaker_state{source="youtube",state="open"} 0');
    expect(later).toContain('tunebot_resolver_coalesced_lookups 9');
  });
});
