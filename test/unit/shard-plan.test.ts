import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';
import { ordinalFromPodName, parseShardIds, replicasFor, shardsForOrdinal } from '../../src/core/shard-plan.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB';

const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    parseConfig({ DISCORD_TOKEN: TOKEN, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('ordinal → shard ids', () => {
  it('gives each pod a contiguous block and the last pod the remainder', () => {
    expect(shardsForOrdinal(0, 4, 1)).toEqual([0]);
    expect(shardsForOrdinal(3, 4, 1)).toEqual([3]);
    expect(shardsForOrdinal(1, 4, 2)).toEqual([2, 3]);
    expect(shardsForOrdinal(2, 5, 2)).toEqual([4]);
    expect(shardsForOrdinal(3, 5, 2)).toEqual([]);
    expect(replicasFor(5, 2)).toBe(3);
  });

  it('runs every shard exactly once across replicasFor(count, perPod) pods, for any count and block size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 40 }), (count, perPod) => {
        const replicas = replicasFor(count, perPod);
        const all = Array.from({ length: replicas }, (_, o) => shardsForOrdinal(o, count, perPod)).flat();
        expect(all).toEqual(Array.from({ length: count }, (_, i) => i));
        // Every pod has work, and one more pod would have none.
        for (let o = 0; o < replicas; o += 1) expect(shardsForOrdinal(o, count, perPod).length).toBeGreaterThan(0);
        expect(shardsForOrdinal(replicas, count, perPod)).toEqual([]);
      }),
    );
  });

  it('reads the ordinal from a StatefulSet pod name only', () => {
    expect(ordinalFromPodName('tunebot-0')).toBe(0);
    expect(ordinalFromPodName('my-music-bot-12')).toBe(12);
    expect(ordinalFromPodName('tunebot-7c9d8f-abcde')).toBeUndefined(); // a Deployment's pod
    expect(ordinalFromPodName('tunebot-01')).toBeUndefined();
    expect(ordinalFromPodName('tunebot')).toBeUndefined();
  });

  it('validates hand-written shard lists', () => {
    expect(parseShardIds('[2,0]', 4)).toEqual([0, 2]);
    expect(parseShardIds('[4]', 4)).toMatch(/from 0 to 3/);
    expect(parseShardIds('[1,1]', 4)).toMatch(/twice/);
    expect(parseShardIds('zero', 4)).toMatch(/JSON list/);
  });
});

describe('SHARDS in the configuration', () => {
  it('derives the shards from the pod name with SHARDS=ordinal', () => {
    const config = parseConfig({
      DISCORD_TOKEN: TOKEN,
      SHARDS: 'ordinal',
      SHARD_COUNT: '6',
      SHARDS_PER_POD: '2',
      POD_NAME: 'tunebot-2',
    });
    expect(config.shards).toEqual({ ids: [4, 5], count: 6 });
  });

  it('prefers POD_ORDINAL (the pod-index label) and falls back to HOSTNAME', () => {
    const base = { DISCORD_TOKEN: TOKEN, SHARDS: 'ordinal', SHARD_COUNT: '4' };
    expect(parseConfig({ ...base, POD_ORDINAL: '1', POD_NAME: 'tunebot-3' }).shards?.ids).toEqual([1]);
    expect(parseConfig({ ...base, HOSTNAME: 'tunebot-3' }).shards?.ids).toEqual([3]);
  });

  it('says what to do when the pod has no shard left or no ordinal', () => {
    expect(
      problemsOf({ SHARDS: 'ordinal', SHARD_COUNT: '4', SHARDS_PER_POD: '2', POD_NAME: 'tunebot-2' }).join(),
    ).toMatch(/needs only 2 pods \(0-1\): scale the StatefulSet/);
    expect(problemsOf({ SHARDS: 'ordinal', SHARD_COUNT: '4', HOSTNAME: 'laptop' }).join()).toMatch(/POD_NAME/);
    expect(problemsOf({ SHARDS: 'ordinal' }).join()).toMatch(/needs SHARD_COUNT/);
  });

  it('runs a hand-assigned list (the multi-host path) and leaves the shard manager its own values', () => {
    expect(parseConfig({ DISCORD_TOKEN: TOKEN, SHARDS: '[2,3]', SHARD_COUNT: '4' }).shards).toEqual({
      ids: [2, 3],
      count: 4,
    });
    expect(parseConfig({ DISCORD_TOKEN: TOKEN, SHARDS: 'auto' }).shards).toBeUndefined();
    expect(
      parseConfig({ DISCORD_TOKEN: TOKEN, SHARDS: '[0]', SHARD_COUNT: '2', SHARDING_MANAGER: 'true' }).shards,
    ).toBeUndefined();
  });
});
