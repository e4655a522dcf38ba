/**
 * A small key-value store (Keyv-shaped) for settings, persisted queues and the resolved-song cache.
 * Adapters: Keyv + SQLite under DATA_DIR by default; an in-memory map in tests.
 */
export interface KeyValueStore {
  get<T>(key: string): Promise<T | undefined>;
  /** `ttlMs` undefined means keep until deleted. */
  set<T>(key: string, value: T, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** Keys under a prefix (e.g. every persisted session on start-up). */
  keys(prefix: string): Promise<string[]>;
}
