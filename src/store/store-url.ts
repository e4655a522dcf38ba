import { resolve } from 'node:path';

/** Where the store lives, parsed from STORE_URL (or the default under DATA_DIR). */
export type StoreLocation =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'redis'; readonly url: string }
  | { readonly kind: 'postgres'; readonly url: string };

export const SQLITE_FILE = 'tunebot.sqlite';

/**
 * STORE_URL → backend. Unset means `<DATA_DIR>/tunebot.sqlite`. Accepted: `sqlite://<path>` (relative to
 * the working directory, or `sqlite:///abs/path`), `redis://` / `rediss://`, `postgres://` /
 * `postgresql://`. Throws a message naming the variable and the accepted forms for anything else, so a
 * typo fails at start-up instead of silently falling back to a different store.
 */
export function parseStoreUrl(raw: string | undefined, dataDir: string): StoreLocation {
  const url = raw?.trim();
  if (!url) return { kind: 'sqlite', path: resolve(dataDir, SQLITE_FILE) };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'sqlite') {
    const path = url.replace(/^sqlite:\/\//i, '');
    if (!path || path === ':memory:')
      throw new Error('STORE_URL=sqlite:// needs a file path, e.g. sqlite://./data/tunebot.sqlite');
    return { kind: 'sqlite', path: resolve(path) };
  }
  if (scheme === 'redis' || scheme === 'rediss') return { kind: 'redis', url };
  if (scheme === 'postgres' || scheme === 'postgresql') return { kind: 'postgres', url };
  throw new Error(
    `STORE_URL must start with sqlite://, redis://, rediss://, postgres:// or postgresql:// (got "${redact(url)}"). ` +
      'Leave it unset to use SQLite under DATA_DIR.',
  );
}

/** The URL for logs: any password is replaced. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]*):([^@]*)@/, '//$1:***@');
}
