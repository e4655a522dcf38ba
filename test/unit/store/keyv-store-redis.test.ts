import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyvStore } from '../../../src/store/keyv-store.js';
import { recordingLogger } from './recording-logger.js';
import { REDIS_BINARY, RedisProcess } from './redis-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

if (!REDIS_BINARY) {
  console.warn('SKIPPED Redis store tests: redis-server is not installed (apt-get install redis-server to run them).');
}

describe.skipIf(!REDIS_BINARY)('KeyvStore on a real Redis server', () => {
  let redis: RedisProcess;
  let store: KeyvStore;
  const logger = recordingLogger();

  beforeAll(async () => {
    redis = await RedisProcess.start();
    store = await KeyvStore.open({
      url: redis.url,
      dataDir: '/nonexistent',
      logger,
      probeIntervalMs: 0,
      opTimeoutMs: 500,
    });
  });
  afterAll(async () => {
    await store?.close();
    await redis?.stop();
  });

  it('round-trips values and expires them with Redis TTLs', async () => {
    expect(store.kind).toBe('redis');
    expect(store.healthy).toBe(true);
    await store.set('settings:1', { volume: 70 });
    expect(await store.get('settings:1')).toEqual({ volume: 70 });
    await store.set('song:short', 'x', 100);
    expect(await store.get('song:short')).toBe('x');
    await sleep(200);
    expect(await store.get('song:short')).toBeUndefined();
    expect(await store.delete('settings:1')).toBe(true);
    expect(await store.delete('settings:1')).toBe(false);
  });

  it('lists keys by prefix within its namespace only', async () => {
    for (const key of ['session:1', 'session:2', 'sessionX', 'song:1']) await store.set(key, 1);
    const other = await KeyvStore.open({
      url: redis.url,
      dataDir: '/nonexistent',
      logger,
      namespace: 'otherbot',
      probeIntervalMs: 0,
    });
    await other.set('session:99', 1);
    expect((await store.keys('session:')).sort()).toEqual(['session:1', 'session:2']);
    expect(await other.keys('session:')).toEqual(['session:99']);
    await other.close();
  });

  it('degrades when Redis hangs or dies (no throw, healthy=false) and recovers when it is back', async () => {
    const events: boolean[] = [];
    store.on('health', (healthy) => events.push(healthy));
    await store.set('session:keep', 'v');

    redis.pause(); // hung: the op timeout turns a stall into a degraded answer
    const started = Date.now();
    await expect(store.get('session:keep')).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(store.healthy).toBe(false);
    redis.resume();
    await sleep(100);
    expect(await store.get('session:keep')).toBe('v');
    expect(store.healthy).toBe(true);

    await redis.stop(); // dead: commands fail at once (no offline queue)
    await expect(store.set('session:x', 1)).resolves.toBeUndefined();
    await expect(store.keys('session:')).resolves.toEqual([]);
    expect(store.healthy).toBe(false);
    expect(store.problem).toBeTruthy();

    await redis.launch(); // same port; data is gone (no persistence) but the store works again
    let healthy = false;
    for (let i = 0; i < 50 && !healthy; i++) {
      await sleep(100);
      healthy = await store.probe();
    }
    expect(healthy).toBe(true);
    await store.set('session:new', 2);
    expect(await store.get('session:new')).toBe(2);
    expect(events).toEqual([false, true, false, true]);
    const errors = logger.lines.filter((l) => l.level === 'error');
    expect(errors.length).toBeLessThan(10); // logged on change, not once per reconnect attempt
    expect(errors[0]?.msg).toMatch(/reachable/);
  });
});

describe('KeyvStore on an unreachable Postgres', () => {
  it('opens degraded instead of throwing', async () => {
    const logger = recordingLogger();
    const store = await KeyvStore.open({
      url: 'postgres://bot:secret@127.0.0.1:1/tunebot',
      dataDir: '/nonexistent',
      logger,
      probeIntervalMs: 0,
    });
    expect(store.kind).toBe('postgres');
    expect(store.healthy).toBe(false);
    await expect(store.get('k')).resolves.toBeUndefined();
    await expect(store.keys('')).resolves.toEqual([]);
    expect(JSON.stringify(logger.lines)).not.toContain('secret');
    await store.close();
  });
});
