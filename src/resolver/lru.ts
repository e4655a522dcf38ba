/**
 * A bounded least-recently-used map, built on `Map`'s insertion order: reading or writing a key moves it
 * to the newest end; inserting past `maxEntries` evicts from the oldest end.
 *
 * Invariant: `size <= maxEntries` after every call.
 */
export class LruMap<K, V> {
  private readonly entries = new Map<K, V>();
  readonly maxEntries: number;

  constructor(maxEntries: number) {
    this.maxEntries = Math.max(1, Math.floor(maxEntries));
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value, marked as most recently used; `undefined` when absent. */
  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** Reads without touching recency (for inspection and tests). */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  /** Every entry, least recently used first, without touching recency. */
  *items(): IterableIterator<[K, V]> {
    yield* this.entries;
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
