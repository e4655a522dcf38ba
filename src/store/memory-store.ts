import { systemClock, type Clock } from '../ports/clock.js';
import type { KeyValueStore } from '../ports/store.js';

interface Entry {
  readonly value: unknown;
  /** Epoch ms after which the entry is gone; undefined = kept until deleted. */
  readonly expiresAt: number | undefined;
}

/**
 * A Map-backed KeyValueStore: the fallback when no persistent store can be opened, and the store in tests.
 * Expiry follows the injected clock, so tests advance time instead of waiting. Values are copied in and
 * out (`structuredClone`), as a serialising store would, so a caller mutating a value it read or wrote
 * never changes what is stored. Invariant: an expired entry is never returned, listed or counted; it is
 * dropped the first time it is seen (there is no background sweep, so nothing keeps a timer alive).
 * Always healthy: it cannot fail, only lose everything at exit.
 */
export class MemoryStore implements KeyValueStore {
  readonly healthy = true;
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock = systemClock) {}

  /** Live entries (expired ones are swept first). */
  get size(): number {
    this.sweep();
    return this.entries.size;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const entry = this.live(key);
    return entry ? (structuredClone(entry.value) as T) : undefined;
  }

  /** A `ttlMs` of 0 or less stores nothing (already expired) and removes any previous value. */
  async set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    if (ttlMs !== undefined && ttlMs <= 0) {
      this.entries.delete(key);
      return;
    }
    const expiresAt = ttlMs === undefined ? undefined : this.clock.now() + ttlMs;
    this.entries.set(key, { value: structuredClone(value), expiresAt });
  }

  async delete(key: string): Promise<boolean> {
    const existed = this.live(key) !== undefined;
    this.entries.delete(key);
    return existed;
  }

  async keys(prefix: string): Promise<string[]> {
    this.sweep();
    return [...this.entries.keys()].filter((key) => key.startsWith(prefix));
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && this.expired(entry)) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    for (const [key, entry] of this.entries) if (this.expired(entry)) this.entries.delete(key);
  }

  private expired(entry: Entry): boolean {
    return entry.expiresAt !== undefined && this.clock.now() >= entry.expiresAt;
  }
}
