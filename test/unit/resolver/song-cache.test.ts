import { describe, expect, it } from 'vitest';
import { SongCache, isFresh, type SongCacheOptions } from '../../../src/resolver/song-cache.js';
import type { Resolution } from '../../../src/ports/source.js';
import type { Track } from '../../../src/core/track.js';
import { FakeClock } from '../../support/fake-clock.js';
import { MemoryStore } from './memory-store.js';

const track: Track = {
  id: 'youtube:dQw4w9WgXcQ',
  source: 'youtube',
  title: 'Never Gonna Give You Up',
  url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
  durationMs: 213_000,
};
const resolution: Resolution = { kind: 'track', track };

function setup(extra: Partial<SongCacheOptions> = {}) {
  const clock = new FakeClock(1_700_000_000_000);
  const store = new MemoryStore();
  const cache = new SongCache({ clock, store, metadataTtlMs: 3_600_000, ...extra });
  return { clock, store, cache };
}

describe('isFresh', () => {
  it('is fresh strictly before expiresAt and expired at and after it', () => {
    expect(isFresh(1000, 999)).toBe(true);
    expect(isFresh(1000, 1000)).toBe(false);
    expect(isFresh(1000, 1001)).toBe(false);
  });
});

describe('SongCache metadata', () => {
  it('serves a resolution until the TTL boundary, then misses (memory path)', async () => {
    const { clock, cache } = setup();
    const t0 = clock.now();
    await cache.setResolution('youtube:dQw4w9WgXcQ', resolution);
    clock.set(t0 + 3_600_000 - 1);
    expect(await cache.getResolution('youtube:dQw4w9WgXcQ')).toEqual(resolution);
    clock.set(t0 + 3_600_000);
    expect(await cache.getResolution('youtube:dQw4w9WgXcQ')).toBeUndefined();
    clock.set(t0 + 3_600_001);
    expect(await cache.getResolution('youtube:dQw4w9WgXcQ')).toBeUndefined();
  });

  it('checks expiry on store hits too, whatever the store does with its TTL', async () => {
    const { clock, store } = setup();
    const writer = new SongCache({ clock, store, metadataTtlMs: 1_000 });
    await writer.setResolution('k', resolution);
    expect(store.ttls.get('song:meta:k')).toBe(1_000);
    // A second instance (a restart) has an empty memory and must go to the store.
    const t0 = clock.now();
    clock.set(t0 + 999);
    expect(await new SongCache({ clock, store }).getResolution('k')).toEqual(resolution);
    clock.set(t0 + 1_000);
    expect(await new SongCache({ clock, store }).getResolution('k')).toBeUndefined();
  });

  it('promotes a store hit into memory so the next read does not touch the store', async () => {
    const { clock, store } = setup();
    await new SongCache({ clock, store }).setResolution('k', resolution);
    const cache = new SongCache({ clock, store });
    await cache.getResolution('k');
    const reads = store.reads;
    await cache.getResolution('k');
    expect(store.reads).toBe(reads);
  });

  it('counts hits and misses for the hit-ratio metric', async () => {
    const { cache } = setup();
    expect(cache.stats().hitRatio).toBe(0);
    await cache.getResolution('a');
    await cache.setResolution('a', resolution);
    await cache.getResolution('a');
    await cache.getResolution('a');
    await cache.getResolution('b');
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 2, hitRatio: 0.5 });
  });

  it('treats a failing store as a miss and still caches in memory', async () => {
    const { store, cache } = setup();
    store.failing = true;
    expect(await cache.getResolution('k')).toBeUndefined();
    await expect(cache.setResolution('k', resolution)).resolves.toBeUndefined();
    expect(await cache.getResolution('k')).toEqual(resolution);
  });

  it('ignores malformed or foreign values in the store', async () => {
    const { clock, store, cache } = setup();
    const later = clock.now() + 10_000;
    store.data.set('song:meta:a', 'garbage');
    store.data.set('song:meta:b', { v: 2, expiresAt: later, value: resolution });
    store.data.set('song:meta:c', { v: 1, expiresAt: later, value: { kind: 'track', track: { id: 1 } } });
    store.data.set('song:meta:d', { v: 1, expiresAt: 'never', value: resolution });
    for (const key of ['a', 'b', 'c', 'd']) expect(await cache.getResolution(key)).toBeUndefined();
  });

  it('round-trips playlists', async () => {
    const { cache } = setup();
    const playlist: Resolution = {
      kind: 'playlist',
      title: 'Mix',
      tracks: [track, { ...track, id: 'youtube:aaaaaaaaaaa' }],
    };
    await cache.setResolution('p', playlist);
    expect(await cache.getResolution('p')).toEqual(playlist);
  });

  it('keeps memory bounded (LRU) while the store keeps everything', async () => {
    const { clock, store } = setup();
    const cache = new SongCache({ clock, store, maxEntries: 2 });
    for (const k of ['a', 'b', 'c']) await cache.setResolution(k, resolution);
    expect(cache.stats().memoryEntries).toBe(2);
    const reads = store.reads;
    expect(await cache.getResolution('a')).toEqual(resolution); // evicted from memory, served by the store
    expect(store.reads).toBe(reads + 1);
  });

  it('invalidates a resolution in memory and in the store', async () => {
    const { store, cache } = setup();
    await cache.setResolution('k', resolution);
    await cache.invalidateResolution('k');
    expect(store.data.has('song:meta:k')).toBe(false);
    expect(await cache.getResolution('k')).toBeUndefined();
  });
});

describe('SongCache stream URLs', () => {
  const expireSeconds = (clock: FakeClock, inMs: number) => Math.floor((clock.now() + inMs) / 1000);

  it('expires a googlevideo URL at its own `expire=` minus the safety margin', async () => {
    const { clock, cache } = setup({ streamUrlSafetyMs: 300_000 });
    const expire = expireSeconds(clock, 6 * 3_600_000);
    const url = `https://rr1---sn-x.googlevideo.com/videoplayback?expire=${expire}&itag=251`;
    const entry = await cache.setStreamUrl(track.id, { url, acodec: 'opus', container: 'webm' });
    expect(entry?.expiresAt).toBe(expire * 1000 - 300_000);
    clock.set(expire * 1000 - 300_001);
    expect((await cache.getStreamUrl(track.id))?.url).toBe(url);
    clock.set(expire * 1000 - 300_000);
    expect(await cache.getStreamUrl(track.id)).toBeUndefined();
    expect(cache.stats()).toMatchObject({ streamHits: 1, streamMisses: 1 });
  });

  it('does not cache a URL already inside the safety margin', async () => {
    const { clock, cache } = setup({ streamUrlSafetyMs: 300_000 });
    const url = `https://x.googlevideo.com/videoplayback?expire=${expireSeconds(clock, 300_000)}`;
    expect(await cache.setStreamUrl(track.id, { url })).toBeNull();
    expect(await cache.getStreamUrl(track.id)).toBeUndefined();
  });

  it('uses the explicit urlExpiresAt over parsing, and the fallback TTL when there is none', async () => {
    const { clock, cache } = setup({ streamUrlTtlMs: 60_000, streamUrlSafetyMs: 0 });
    const a = await cache.setStreamUrl('a', { url: 'https://cdn.test/a.webm', urlExpiresAt: clock.now() + 5_000 });
    expect(a?.expiresAt).toBe(clock.now() + 5_000);
    expect(a).not.toHaveProperty('urlExpiresAt');
    const b = await cache.setStreamUrl('b', { url: 'https://cdn.test/b.webm' });
    expect(b?.expiresAt).toBe(clock.now() + 60_000);
  });

  it('keeps stream entries separate from metadata and invalidates them when they fail mid-play', async () => {
    const { clock, store, cache } = setup();
    await cache.setResolution(track.id, resolution);
    const url = `https://x.googlevideo.com/videoplayback?expire=${expireSeconds(clock, 3_600_000)}`;
    await cache.setStreamUrl(track.id, { url, httpHeaders: { 'User-Agent': 'Mozilla/5.0' } });
    expect((await cache.getStreamUrl(track.id))?.httpHeaders).toEqual({ 'User-Agent': 'Mozilla/5.0' });
    await cache.invalidateStreamUrl(track.id);
    expect(await cache.getStreamUrl(track.id)).toBeUndefined();
    expect(store.data.has(`song:stream:${track.id}`)).toBe(false);
    expect(await cache.getResolution(track.id)).toEqual(resolution);
  });
});
