/**
 * Token buckets keyed by an id (a member, a guild): each key holds up to `capacity` tokens, refilled
 * continuously at `capacity` per `perMs`; `take` spends one or says no. Pure apart from the injected clock.
 *
 * Invariants: memory is bounded by `maxKeys` (a full bucket carries no information, so full ones are
 * forgotten first, then the oldest); a key never seen has a full bucket; time going backwards refills nothing.
 */
export interface Rate {
  /** Burst size: requests allowed at once. */
  readonly capacity: number;
  /** Time in which a whole `capacity` is refilled. */
  readonly perMs: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rate: Rate,
    private readonly now: () => number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Spends one token of `key`'s bucket; false (nothing spent) when it is empty. */
  take(key: string): boolean {
    const bucket = this.refilled(key);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Whether `key` could spend a token now, without spending it. */
  peek(key: string): boolean {
    return (this.buckets.has(key) ? this.refilled(key).tokens : this.rate.capacity) >= 1;
  }

  get size(): number {
    return this.buckets.size;
  }

  private refilled(key: string): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.evict(now);
      bucket = { tokens: this.rate.capacity, at: now };
    } else {
      this.buckets.delete(key); // re-inserted below: Map order is then least recently used first
      const elapsed = Math.max(0, now - bucket.at);
      bucket.tokens = Math.min(this.rate.capacity, bucket.tokens + (elapsed * this.rate.capacity) / this.rate.perMs);
      bucket.at = now;
    }
    this.buckets.set(key, bucket);
    return bucket;
  }

  /** Drops buckets that have refilled completely; if none has, the least recently used one. */
  private evict(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) * this.rate.capacity) / this.rate.perMs >= this.rate.capacity)
        this.buckets.delete(key);
    }
    if (this.buckets.size >= this.maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
  }
}

/** Member and guild buckets together: a command is let through only when both have a token. */
export class CommandRateLimiter {
  private readonly members: TokenBuckets | null;
  private readonly guilds: TokenBuckets | null;

  constructor(rates: { readonly member: Rate | null; readonly guild: Rate | null }, now: () => number) {
    this.members = rates.member ? new TokenBuckets(rates.member, now) : null;
    this.guilds = rates.guild ? new TokenBuckets(rates.guild, now) : null;
  }

  /** True when the command may run (tokens spent); false when the member or the guild must slow down. */
  admit(guildId: string, userId: string): boolean {
    const memberKey = `${guildId}:${userId}`;
    if (this.members && !this.members.peek(memberKey)) return false;
    if (this.guilds && !this.guilds.take(guildId)) return false;
    this.members?.take(memberKey);
    return true;
  }
}
