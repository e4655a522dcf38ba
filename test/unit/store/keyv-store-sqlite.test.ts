import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyvStore } from '../../../src/store/keyv-store.js';
import { recordingLogger } from './recording-logger.js';

let dir: string;
const opened: KeyvStore[] = [];

async function open(options: Partial<Parameters<typeof KeyvStore.open>[0]> = {}) {
  const logger = recordingLogger();
  const store = await KeyvStore.open({ dataDir: dir, logger, probeIntervalMs: 0, ...options });
  opened.push(store);
  return { store, logger };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tunebot-store-'));
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('KeyvStore on SQLite', () => {
  it('defaults to DATA_DIR/tunebot.sqlite in WAL mode and round-trips values', async () => {
    const { store } = await open();
    expect(store.kind).toBe('sqlite');
    expect(store.healthy).toBe(true);
    await store.set('settings:1', { volume: 50, dj: ['a'] });
    expect(await store.get('settings:1')).toEqual({ volume: 50, dj: ['a'] });
    expect(existsSync(join(dir, 'tunebot.sqlite'))).toBe(true);
    expect(existsSync(join(dir, 'tunebot.sqlite-wal'))).toBe(true);
    expect(await store.delete('settings:1')).toBe(true);
    expect(await store.delete('settings:1')).toBe(false);
    expect(await store.get('settings:1')).toBeUndefined();
  });

  it('expires entries after their TTL (short real TTL: Keyv stamps expiry with Date.now)', async () => {
    const { store } = await open();
    await store.set('song:a', 'x', 60);
    await store.set('song:b', 'y');
    expect(await store.get('song:a')).toBe('x');
    await sleep(120);
    expect(await store.get('song:a')).toBeUndefined();
    expect(await store.keys('song:')).toEqual(['song:b']);
  });

  it('lists keys by exact prefix: LIKE wildcards and case are not matched loosely', async () => {
    const { store } = await open();
    for (const key of ['session:1', 'session:2', 'Session:3', 'sessionX', 'song:1', 'a%b:1', 'axb:1', 'a_c:1', 'abc:1'])
      await store.set(key, 1);
    expect((await store.keys('session:')).sort()).toEqual(['session:1', 'session:2']);
    expect(await store.keys('a%b:')).toEqual(['a%b:1']);
    expect(await store.keys('a_c')).toEqual(['a_c:1']);
    expect((await store.keys('')).length).toBe(9);
  });

  it('survives a reopen (the data is on disk)', async () => {
    const first = await open();
    await first.store.set('session:42', { queue: [1, 2, 3] });
    await first.store.set('song:soon-gone', 1, 50);
    await first.store.close();
    await sleep(80);
    const { store } = await open();
    expect(await store.get('session:42')).toEqual({ queue: [1, 2, 3] });
    expect(await store.keys('')).toEqual(['session:42']);
  });

  it('degrades instead of throwing when DATA_DIR cannot hold the file, and says how to fix it', async () => {
    writeFileSync(join(dir, 'plain-file'), 'not a directory');
    const { store, logger } = await open({ dataDir: join(dir, 'plain-file', 'data') });
    expect(store.healthy).toBe(false);
    expect(store.problem).toMatch(/SQLITE_CANTOPEN|ENOTDIR|unable to open/i);
    await expect(store.set('k', 1)).resolves.toBeUndefined();
    await expect(store.get('k')).resolves.toBeUndefined();
    await expect(store.keys('')).resolves.toEqual([]);
    await expect(store.delete('k')).resolves.toBe(false);
    const line = logger.lines.find((l) => l.level === 'error');
    expect(line?.msg).toMatch(/writable by the bot's user/);
    expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(1); // once per change, not per call
  });

  it('notices a file deleted while open, reports it, and starts a fresh file', async () => {
    const { store, logger } = await open();
    const events: Array<[boolean, string | undefined]> = [];
    store.on('health', (healthy, problem) => events.push([healthy, problem]));
    await store.set('session:1', 'lost');
    rmSync(join(dir, 'tunebot.sqlite'));
    // SQLite keeps serving the deleted inode from its cache: no operation fails, so only the probe can tell.
    await expect(store.get('session:1')).resolves.toBe('lost');
    expect(await store.probe()).toBe(true);
    expect(events[0]?.[0]).toBe(false);
    expect(events[0]?.[1]).toMatch(/missing/);
    expect(events.at(-1)?.[0]).toBe(true);
    expect(existsSync(join(dir, 'tunebot.sqlite'))).toBe(true);
    expect(await store.get('session:1')).toBeUndefined();
    await store.set('session:2', 'kept');
    expect(await store.get('session:2')).toBe('kept');
    expect(logger.lines.some((l) => l.level === 'warn' && /started a new, empty one/.test(l.msg ?? ''))).toBe(true);
  });

  it('marks a file overwritten while open unhealthy, keeps answering, and names the fix', async () => {
    const { store, logger } = await open();
    await store.set('session:1', 'x');
    writeFileSync(join(dir, 'tunebot.sqlite'), Buffer.alloc(8192, 0x41));
    expect(await store.probe()).toBe(false);
    expect(store.healthy).toBe(false);
    expect(store.problem).toMatch(/corrupted/);
    // Operations may still succeed from SQLite's cache, but health stays false until the file is fixed.
    await expect(store.set('session:2', 'y')).resolves.toBeUndefined();
    await store.get('session:1');
    expect(store.healthy).toBe(false);
    expect(logger.lines.find((l) => l.level === 'error')?.msg).toMatch(/move it away/);
  });

  it('rejects an unknown STORE_URL scheme with the accepted forms', async () => {
    await expect(KeyvStore.open({ url: 'mysql://x', dataDir: dir, logger: recordingLogger() })).rejects.toThrow(
      /STORE_URL must start with sqlite:\/\//,
    );
  });

  it('accepts STORE_URL=sqlite://<path>', async () => {
    const { store } = await open({ url: `sqlite://${join(dir, 'other.db')}` });
    await store.set('k', 'v');
    expect(existsSync(join(dir, 'other.db'))).toBe(true);
  });
});
