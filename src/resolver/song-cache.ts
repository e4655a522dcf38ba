/**
 * The resolved-song cache: repeated songs start from cache instead of another yt-dlp run.
 *
 * Two kinds of entry, each with its own expiry:
 * - metadata (`Resolution` per canonical query key), kept for `metadataTtlMs` (default 1 h);
 * - stream URLs per track id: short-lived signed URLs (googlevideo's `expire=`), kept until
 *   `expire − streamUrlSafetyMs`, or `streamUrlTtlMs` when the URL names no expiry. A URL that fails
 *   mid-play is dropped with `invalidateStreamUrl` so the next attempt resolves afresh.
 *
 * Layout: a bounded in-memory LRU in front of a `KeyValueStore` (persisted across restarts).
 *
 * Invariants:
 * - an entry is served only while `clock.now() < expiresAt` (strictly; at `expiresAt` it is expired),
 *   in memory and from the store alike — the store's own TTL is a clean-up aid, never trusted;
 * - the cache is best-effort: store failures and malformed stored values are misses, never errors;
 * - hit/miss counters count lookups, one per `get…` call.
 */
import type { Clock } from '../ports/clock.js';
import type { KeyValueStore } from '../ports/store.js';
import type { Logger } from '../ports/logger.js';
import type { Resolution } from '../ports/source.js';
import type { SourceCache, StreamUrlEntry, StreamUrlInput } from '../ports/source-cache.js';
import { LruMap } from './lru.js';
import { parseUrlExpiry } from '../core/url-expiry.js';

export interface SongCacheOptions {
  readonly store: KeyValueStore;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** In-memory entries at most, both kinds together (default 500). */
  readonly maxEntries?: number;
  readonly metadataTtlMs?: number;
  /** Lifetime of a stream URL that names no expiry (default 10 min). */
  readonly streamUrlTtlMs?: number;
  /** Margin before a URL's own expiry: a song must not start on a URL about to die (default 5 min). */
  readonly streamUrlSafetyMs?: number;
  /** Store key prefix (default `song`). */
  readonly namespace?: string;
}

export interface SongCacheStats {
  readonly hits: number;
  readonly misses: number;
  /** hits / (hits + misses); 0 before any lookup. */
  readonly hitRatio: number;
  readonly streamHits: number;
  readonly streamMisses: number;
  readonly memoryEntries: number;
}

interface StoredRecord<T> {
  readonly v: 1;
  readonly expiresAt: number;
  readonly value: T;
}

/** The one expiry rule: fresh strictly before `expiresAt`. */
export const isFresh = (expiresAt: number, now: number): boolean => now < expiresAt;

export class SongCache implements SourceCache {
  private readonly store: KeyValueStore;
  private readonly clock: Clock;
  private readonly logger: Logger | undefined;
  private readonly memory: LruMap<string, StoredRecord<unknown>>;
  private readonly metadataTtlMs: number;
  private readonly streamUrlTtlMs: number;
  private readonly streamUrlSafetyMs: number;
  private readonly namespace: string;
  private counts = { hits: 0, misses: 0, streamHits: 0, streamMisses: 0 };

  constructor(options: SongCacheOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.logger = options.logger;
    this.memory = new LruMap(options.maxEntries ?? 500);
    this.metadataTtlMs = options.metadataTtlMs ?? 3_600_000;
    this.streamUrlTtlMs = options.streamUrlTtlMs ?? 600_000;
    this.streamUrlSafetyMs = options.streamUrlSafetyMs ?? 300_000;
    this.namespace = options.namespace ?? 'song';
  }

  async getResolution(key: string): Promise<Resolution | undefined> {
    const value = await this.read(this.metaKey(key), isResolution);
    if (value) this.counts.hits++;
    else this.counts.misses++;
    return value;
  }

  async setResolution(key: string, resolution: Resolution): Promise<void> {
    await this.write(this.metaKey(key), resolution, this.clock.now() + this.metadataTtlMs);
  }

  async getStreamUrl(trackId: string): Promise<StreamUrlEntry | undefined> {
    const value = await this.read(this.streamKey(trackId), isStreamUrlEntry);
    if (value) this.counts.streamHits++;
    else this.counts.streamMisses++;
    return value;
  }

  /**
   * Caches a stream URL until its expiry minus the safety margin. Returns the stored entry, or `null`
   * when the URL is already inside the margin (not worth caching).
   */
  async setStreamUrl(trackId: string, input: StreamUrlInput): Promise<StreamUrlEntry | null> {
    const expiresAt = this.streamExpiry(input);
    if (!isFresh(expiresAt, this.clock.now())) return null;
    const { urlExpiresAt: _ignored, ...rest } = input;
    const entry: StreamUrlEntry = { ...rest, expiresAt };
    await this.write(this.streamKey(trackId), entry, expiresAt);
    return entry;
  }

  /** Drops a stream URL that failed (403 mid-play, connection refused) so it is resolved afresh. */
  async invalidateStreamUrl(trackId: string): Promise<void> {
    await this.remove(this.streamKey(trackId));
  }

  async invalidateResolution(key: string): Promise<void> {
    await this.remove(this.metaKey(key));
  }

  /**
   * Deletes expired entries, in memory and in the store (listing keys makes the store drop expired rows), so
   * the SQLite file does not grow forever with rows nobody reads again. Run on a timer; never throws.
   * Returns how many entries were live in the store afterwards (for logs).
   */
  async sweepExpired(): Promise<number> {
    const now = this.clock.now();
    for (const [key, record] of [...this.memory.items()]) if (!isFresh(record.expiresAt, now)) this.memory.delete(key);
    try {
      return (await this.store.keys(`${this.namespace}:`)).length;
    } catch (error) {
      this.logger?.warn({ err: error }, 'song cache: sweep failed');
      return 0;
    }
  }

  stats(): SongCacheStats {
    const lookups = this.counts.hits + this.counts.misses;
    return {
      ...this.counts,
      hitRatio: lookups === 0 ? 0 : this.counts.hits / lookups,
      memoryEntries: this.memory.size,
    };
  }

  /** When a stream entry stops being served. */
  private streamExpiry(input: StreamUrlInput): number {
    const urlExpiry = input.urlExpiresAt ?? parseUrlExpiry(input.url);
    if (urlExpiry === null) return this.clock.now() + this.streamUrlTtlMs;
    return urlExpiry - this.streamUrlSafetyMs;
  }

  /** Memory first, then the store (promoting a fresh store hit into memory); stale entries are dropped. */
  private async read<T>(key: string, valid: (value: unknown) => value is T): Promise<T | undefined> {
    const now = this.clock.now();
    const cached = this.memory.get(key);
    if (cached) {
      if (isFresh(cached.expiresAt, now)) return cached.value as T;
      this.memory.delete(key);
    }
    const stored = await this.storeGet(key);
    if (!isRecord(stored) || !valid(stored.value) || !isFresh(stored.expiresAt, now)) return undefined;
    this.memory.set(key, stored);
    return stored.value;
  }

  private async write(key: string, value: unknown, expiresAt: number): Promise<void> {
    const record: StoredRecord<unknown> = { v: 1, expiresAt, value };
    this.memory.set(key, record);
    try {
      await this.store.set(key, record, Math.max(1, expiresAt - this.clock.now()));
    } catch (error) {
      this.logger?.warn({ err: error, key }, 'song cache: store write failed');
    }
  }

  private async remove(key: string): Promise<void> {
    this.memory.delete(key);
    try {
      await this.store.delete(key);
    } catch (error) {
      this.logger?.warn({ err: error, key }, 'song cache: store delete failed');
    }
  }

  private async storeGet(key: string): Promise<unknown> {
    try {
      return await this.store.get<unknown>(key);
    } catch (error) {
      this.logger?.warn({ err: error, key }, 'song cache: store read failed');
      return undefined;
    }
  }

  private metaKey(key: string): string {
    return `${this.namespace}:meta:${key}`;
  }

  private streamKey(trackId: string): string {
    return `${this.namespace}:stream:${trackId}`;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function isRecord(v: unknown): v is StoredRecord<unknown> {
  return isObject(v) && v['v'] === 1 && typeof v['expiresAt'] === 'number' && 'value' in v;
}

function isTrackLike(v: unknown): boolean {
  return isObject(v) && typeof v['id'] === 'string' && typeof v['title'] === 'string' && typeof v['url'] === 'string';
}

function isResolution(v: unknown): v is Resolution {
  if (!isObject(v)) return false;
  if (v['kind'] === 'track') return isTrackLike(v['track']);
  return (
    v['kind'] === 'playlist' &&
    typeof v['title'] === 'string' &&
    Array.isArray(v['tracks']) &&
    v['tracks'].every(isTrackLike)
  );
}

function isStreamUrlEntry(v: unknown): v is StreamUrlEntry {
  return isObject(v) && typeof v['url'] === 'string' && typeof v['expiresAt'] === 'number';
}
