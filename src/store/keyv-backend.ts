import KeyvPostgres from '@keyv/postgres';
import KeyvRedis from '@keyv/redis';
import type KeyvSqlite from '@keyv/sqlite';
import { Keyv } from 'keyv';
import { checkSqliteFile, fileIdentity, openSqlite, sqliteEntries, type FileProblem } from './sqlite-file.js';
import type { StoreLocation } from './store-url.js';

/** One opened Keyv plus what differs per backend: listing keys and noticing a broken database. */
export interface Backend {
  readonly kind: StoreLocation['kind'];
  readonly keyv: Keyv;
  /** Unnamespaced keys under `prefix`, expired entries excluded (and deleted). */
  keys(prefix: string): Promise<string[]>;
  /** A problem the backend can see without an operation failing (SQLite file gone or overwritten). */
  check(): Promise<FileProblem | undefined>;
  close(): Promise<void>;
}

const REDIS_CONNECT_TIMEOUT_MS = 5000;

/**
 * Opens the backend for `location`. Every Keyv is built with `throwOnErrors`, so failures reach the
 * KeyvStore (which turns them into degraded answers and an unhealthy flag) instead of being swallowed by
 * Keyv (whose `get` otherwise hides store errors as a miss). `onError` receives background errors (a
 * dropped Redis connection, a SQLite file that cannot be opened).
 */
export async function openBackend(
  location: StoreLocation,
  namespace: string,
  onError: (error: unknown) => void,
): Promise<Backend> {
  switch (location.kind) {
    case 'sqlite':
      return sqliteBackend(location.path, namespace, onError);
    case 'redis':
      return iterableBackend('redis', redisKeyv(location.url, namespace), onError);
    case 'postgres':
      return iterableBackend(
        'postgres',
        new Keyv(new KeyvPostgres({ uri: location.url }), { namespace, throwOnErrors: true }),
        onError,
      );
  }
}

async function sqliteBackend(path: string, namespace: string, onError: (error: unknown) => void): Promise<Backend> {
  const adapter: KeyvSqlite = openSqlite(path, onError);
  const keyv = new Keyv(adapter, { namespace, throwOnErrors: true });
  keyv.on('error', onError);
  // The table exists once this answers; the file's identity is taken only after SQLite created it.
  await adapter.query('SELECT 1').catch(onError);
  const identity = await fileIdentity(path);
  return {
    kind: 'sqlite',
    keyv,
    keys: async (prefix) => {
      const rows = await sqliteEntries(adapter, `${namespace}:${prefix}`);
      return liveKeys(
        keyv,
        rows.map(([key, raw]) => [key.slice(namespace.length + 1), raw]),
      );
    },
    check: () => checkSqliteFile(path, identity),
    close: () => adapter.disconnect(),
  };
}

/** Redis keeps its own `namespace::key` prefix and TTL (PX), so Keyv must not prefix the key again. */
function redisKeyv(url: string, namespace: string): Keyv {
  // No offline queue: while Redis is unreachable, commands fail at once instead of piling up until it returns.
  const adapter = new KeyvRedis(
    { url, disableOfflineQueue: true, socket: { connectTimeout: REDIS_CONNECT_TIMEOUT_MS } },
    // The adapter swallows command errors unless told to throw; a swallowed failure would look like success.
    { namespace, connectionTimeout: REDIS_CONNECT_TIMEOUT_MS, throwOnConnectError: true, throwOnErrors: true },
  );
  return new Keyv(adapter, { namespace, useKeyPrefix: false, throwOnErrors: true });
}

/** Redis and Postgres page with SCAN / keyset pagination, which deleting while iterating does not disturb. */
function iterableBackend(kind: 'redis' | 'postgres', keyv: Keyv, onError: (error: unknown) => void): Backend {
  keyv.on('error', onError);
  return {
    kind,
    keyv,
    keys: async (prefix) => {
      const iterate = keyv.iterator;
      if (!iterate) throw new Error(`the ${kind} adapter cannot list keys`);
      const keys: string[] = [];
      for await (const [key] of iterate.call(keyv, undefined) as AsyncGenerator<[string, unknown]>) {
        if (key.startsWith(prefix)) keys.push(key);
      }
      return keys;
    },
    check: async () => undefined,
    close: () => keyv.disconnect(),
  };
}

/** Keys whose stored record has not expired; expired ones are deleted after the listing. */
async function liveKeys(keyv: Keyv, rows: Array<[string, string]>): Promise<string[]> {
  const live: string[] = [];
  const expired: string[] = [];
  const now = Date.now(); // Keyv stamps `expires` with Date.now(), so it is compared with the same clock
  for (const [key, raw] of rows) {
    const data = await keyv.deserializeData<unknown>(raw).catch(() => undefined);
    if (data && typeof data.expires === 'number' && now > data.expires) expired.push(key);
    else live.push(key);
  }
  if (expired.length > 0) await keyv.delete(expired);
  return live;
}
