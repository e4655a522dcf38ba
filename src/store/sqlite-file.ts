import { open, stat } from 'node:fs/promises';
import KeyvSqlite from '@keyv/sqlite';

/** A database file starts with this 16-byte header (https://www.sqlite.org/fileformat.html). */
const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** How long a write waits for a lock held by another process before failing (kept under the op timeout). */
const BUSY_TIMEOUT_MS = 1000;

/**
 * Opens the Keyv SQLite adapter and switches the file to WAL (readers never wait for the writer, and a crash
 * mid-write cannot corrupt it). Invariant: the connection promise always has a handler attached here, so a
 * file that cannot be opened is an error the store reports, never an unhandled rejection.
 */
export function openSqlite(path: string, onError: (error: unknown) => void): KeyvSqlite {
  const adapter = new KeyvSqlite({ uri: `sqlite://${path}`, busyTimeout: BUSY_TIMEOUT_MS, iterationLimit: 500 });
  adapter.query('PRAGMA journal_mode=WAL').catch(onError);
  return adapter;
}

/**
 * Keys (namespaced, as stored) and raw values under `prefix`. LIKE narrows the scan with the prefix's
 * wildcards escaped; since SQLite's LIKE ignores ASCII case, the exact prefix is re-checked here.
 * One query, not the adapter's OFFSET-paged iterator, which skips rows when expired ones are deleted
 * between pages.
 */
export async function sqliteEntries(adapter: KeyvSqlite, prefix: string): Promise<Array<[string, string]>> {
  const table = adapter.opts.table ?? 'keyv';
  const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = (await adapter.query(`SELECT key, value FROM ${table} WHERE key LIKE ? ESCAPE '\\'`, pattern)) as Array<{
    key: string;
    value: string;
  }>;
  return rows.filter((row) => row.key.startsWith(prefix)).map((row) => [row.key, row.value]);
}

/** The file's identity, so a file deleted or replaced under an open connection can be noticed. */
export async function fileIdentity(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    return `${info.dev}:${info.ino}`;
  } catch {
    return undefined;
  }
}

/** A problem with the database file; `recreate` when the file is simply gone and a new one may be started. */
export interface FileProblem {
  readonly message: string;
  readonly recreate: boolean;
}

/**
 * What SQLite itself will not say while it serves pages from its cache: the file was deleted or replaced
 * (a new inode), or its header is no longer a database's (overwritten, truncated). `identity` is the file's
 * identity when it was opened; undefined means it never opened, and the failing operations already say
 * why. An empty file is fine (SQLite has not written the header yet).
 */
export async function checkSqliteFile(path: string, identity: string | undefined): Promise<FileProblem | undefined> {
  if (identity === undefined) return undefined;
  const now = await fileIdentity(path);
  if (now === undefined) return { message: `database file ${path} is missing (deleted while open)`, recreate: true };
  if (now !== identity) return { message: `database file ${path} was replaced while open`, recreate: false };
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(MAGIC.length);
    const { bytesRead } = await handle.read(head, 0, MAGIC.length, 0);
    if (bytesRead === 0 || head.subarray(0, bytesRead).equals(MAGIC)) return undefined;
    return { message: `database file ${path} is corrupted (not an SQLite header)`, recreate: false };
  } finally {
    await handle.close();
  }
}
