/** How many shards `npm run start:sharded` spawns: Discord's recommendation, or a fixed count. */
export type ShardCount = 'auto' | number;

/** Discord allows far fewer per bot without a special arrangement; this only catches typos like 10000. */
const MAX_SHARDS = 4096;

/**
 * Parses SHARDS (read from the environment by the shard manager: config.ts does not know it). Unset or
 * `auto` means ask Discord. Throws one message that names the variable, what it got and what is accepted.
 */
export function parseShardCount(raw: string | undefined): ShardCount {
  const value = raw?.trim().toLowerCase();
  if (!value || value === 'auto') return 'auto';
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > MAX_SHARDS) {
    throw new Error(`SHARDS must be "auto" or a whole number from 1 to ${MAX_SHARDS} (got "${raw}").`);
  }
  return n;
}

/**
 * This process's shard id(s) as a label value (`0`, or `0,1` for several) under `npm run start:sharded`,
 * where discord.js's ShardingManager sets SHARDING_MANAGER and puts the ids in SHARDS; undefined otherwise.
 */
export function shardLabel(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env.SHARDING_MANAGER !== 'true') return undefined;
  let ids: unknown;
  try {
    ids = JSON.parse(env.SHARDS ?? '');
  } catch {
    return undefined;
  }
  const list = (Array.isArray(ids) ? ids : [ids]).filter(
    (id): id is number => typeof id === 'number' && Number.isInteger(id) && id >= 0,
  );
  return list.length > 0 ? list.slice(0, 16).join(',') : undefined;
}
