import type { KeyValueStore } from '../../../src/ports/store.js';

/**
 * An in-memory KeyValueStore for tests. It deliberately ignores TTLs (recording them instead), so tests
 * prove the cache checks expiry itself; `failing` makes every call reject, like a locked SQLite file.
 */
export class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, unknown>();
  readonly ttls = new Map<string, number | undefined>();
  failing = false;
  reads = 0;

  async get<T>(key: string): Promise<T | undefined> {
    this.reads++;
    if (this.failing) throw new Error('store down');
    return structuredClone(this.data.get(key)) as T | undefined;
  }

  async set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    if (this.failing) throw new Error('store down');
    this.data.set(key, structuredClone(value));
    this.ttls.set(key, ttlMs);
  }

  async delete(key: string): Promise<boolean> {
    if (this.failing) throw new Error('store down');
    this.ttls.delete(key);
    return this.data.delete(key);
  }

  async keys(prefix: string): Promise<string[]> {
    return [...this.data.keys()].filter((k) => k.startsWith(prefix));
  }
}
