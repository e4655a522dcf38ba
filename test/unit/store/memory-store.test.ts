import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { FakeClock } from '../../support/fake-clock.js';

describe('MemoryStore', () => {
  it('gets, sets, deletes and copies values in and out', async () => {
    const store = new MemoryStore(new FakeClock());
    const value = { a: [1, 2] };
    await store.set('k', value);
    value.a.push(3);
    const read = await store.get<{ a: number[] }>('k');
    expect(read).toEqual({ a: [1, 2] });
    read?.a.push(9);
    expect(await store.get('k')).toEqual({ a: [1, 2] });
    expect(await store.delete('k')).toBe(true);
    expect(await store.delete('k')).toBe(false);
    expect(await store.get('k')).toBeUndefined();
  });

  it('expires entries by the injected clock, in get, delete and keys alike', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore(clock);
    await store.set('session:1', 'a', 1000);
    await store.set('session:2', 'b');
    await store.set('song:1', 'c', 5000);
    clock.set(clock.now() + 999);
    expect(await store.get('session:1')).toBe('a');
    clock.set(clock.now() + 1);
    expect(await store.get('session:1')).toBeUndefined();
    expect(await store.keys('session:')).toEqual(['session:2']);
    clock.set(clock.now() + 5000);
    expect(await store.delete('song:1')).toBe(false);
    expect(store.size).toBe(1);
  });

  it('treats a TTL of 0 or less as already expired', async () => {
    const store = new MemoryStore(new FakeClock());
    await store.set('k', 1);
    await store.set('k', 2, 0);
    expect(await store.get('k')).toBeUndefined();
  });
});
