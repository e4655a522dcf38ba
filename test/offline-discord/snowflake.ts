/** Discord's epoch (2015-01-01T00:00:00Z) in ms; snowflakes count milliseconds from it. */
export const DISCORD_EPOCH = 1_420_070_400_000n;

/**
 * Makes unique, well-formed snowflakes. Each id advances the embedded timestamp by 1 ms, so consecutive
 * guild ids fall on different shards (`(id >> 22) % shards`), which keeps sharding tests deterministic.
 */
export class SnowflakeFactory {
  private ms: bigint;
  private increment = 0n;

  constructor(startMs: number = Date.now() - 86_400_000) {
    this.ms = BigInt(startMs) - DISCORD_EPOCH;
  }

  /** Returns the next snowflake as a decimal string. */
  next(): string {
    this.ms += 1n;
    this.increment = (this.increment + 1n) & 0xfffn;
    return ((this.ms << 22n) | (1n << 17n) | this.increment).toString();
  }
}

/** The shard a guild belongs to, as Discord computes it. */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** The creation time (ms since the Unix epoch) embedded in a snowflake. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}
