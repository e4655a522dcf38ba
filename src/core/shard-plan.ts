/**
 * Which shard ids one process runs. On Kubernetes a StatefulSet gives every pod a stable ordinal (tunebot-0,
 * tunebot-1, …); pod `o` runs the contiguous block `[o·perPod, (o+1)·perPod)` of `count` shards, so scaling the
 * StatefulSet to `ceil(count / perPod)` replicas runs every shard exactly once and nobody keeps a list by hand.
 * The last pod runs fewer shards when `count` is not a multiple of `perPod`.
 */
export interface ShardPlan {
  /** The shard ids this process identifies as, ascending. */
  readonly ids: readonly number[];
  /** The total shard count, the same in every process. */
  readonly count: number;
}

/** Discord allows far fewer shards per bot without a special arrangement; this only catches typos. */
export const MAX_SHARD_COUNT = 4096;

/**
 * The shard ids of pod `ordinal`; empty when the pod is beyond the last shard (too many replicas). Throws
 * RangeError for arguments no caller should pass (negative, fractional), which configuration rejects first.
 */
export function shardsForOrdinal(ordinal: number, count: number, perPod: number): number[] {
  for (const [name, value] of [
    ['ordinal', ordinal],
    ['count', count],
    ['perPod', perPod],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < (name === 'ordinal' ? 0 : 1))
      throw new RangeError(`bad ${name}: ${value}`);
  }
  const first = ordinal * perPod;
  const ids: number[] = [];
  for (let id = first; id < Math.min(first + perPod, count); id += 1) ids.push(id);
  return ids;
}

/** How many StatefulSet replicas run every shard once. */
export function replicasFor(count: number, perPod: number): number {
  return Math.ceil(count / perPod);
}

/**
 * The ordinal at the end of a StatefulSet pod's name (`tunebot-12` → 12), or undefined for any other name.
 * StatefulSet names pods `<set name>-<ordinal>` with a decimal ordinal without leading zeros.
 */
export function ordinalFromPodName(name: string): number | undefined {
  const match = /-(0|[1-9]\d{0,8})$/.exec(name.trim());
  return match ? Number(match[1]) : undefined;
}

/**
 * Parses a JSON list of shard ids (`[0,1]`) for a total of `count`: whole numbers in `[0, count)`, no repeats.
 * Returns the sorted ids, or a message naming what is wrong.
 */
export function parseShardIds(raw: string, count: number): number[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return `SHARDS must be a JSON list of shard ids such as [0,1] (got "${raw}").`;
  }
  const list = typeof parsed === 'number' ? [parsed] : parsed;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    !list.every((id) => Number.isSafeInteger(id) && id >= 0 && id < count)
  ) {
    return `SHARDS must list whole numbers from 0 to ${count - 1} (SHARD_COUNT is ${count}); got "${raw}".`;
  }
  const ids = [...new Set(list as number[])].sort((a, b) => a - b);
  if (ids.length !== list.length) return `SHARDS lists a shard id twice ("${raw}"): every id must run exactly once.`;
  return ids;
}
