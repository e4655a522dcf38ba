import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LruMap } from '../../../src/resolver/lru.js';
import { parseUrlExpiry } from '../../../src/core/url-expiry.js';

describe('LruMap', () => {
  it('evicts the least recently used entry, where reads count as use', () => {
    const lru = new LruMap<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1); // a is now newest
    lru.set('c', 3);
    expect(lru.peek('b')).toBeUndefined();
    expect(lru.peek('a')).toBe(1);
    expect(lru.peek('c')).toBe(3);
  });

  it('overwriting a key refreshes it without growing', () => {
    const lru = new LruMap<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.set('a', 10);
    lru.set('c', 3);
    expect(lru.size).toBe(2);
    expect(lru.peek('a')).toBe(10);
    expect(lru.peek('b')).toBeUndefined();
  });

  it('never exceeds its bound whatever the operations', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 20 }))),
        (max, ops) => {
          const lru = new LruMap<number, number>(max);
          for (const [isSet, key] of ops) {
            if (isSet) lru.set(key, key);
            else lru.get(key);
            if (lru.size > max) return false;
          }
          return true;
        },
      ),
    );
  });
});

describe('parseUrlExpiry', () => {
  it('reads googlevideo `expire=` (unix seconds) as epoch milliseconds', () => {
    const url =
      'https://rr3---sn-4g5e6nzz.googlevideo.com/videoplayback?expire=1700021600&ei=abc&ip=1.2.3.4&itag=251&mime=audio%2Fwebm';
    expect(parseUrlExpiry(url)).toBe(1_700_021_600_000);
  });

  it('reads the path-segment spelling', () => {
    expect(parseUrlExpiry('https://manifest.googlevideo.com/api/manifest/hls/expire/1700021600/ei/x/file.m3u8')).toBe(
      1_700_021_600_000,
    );
  });

  it('returns null when there is no expiry or it is garbage', () => {
    expect(parseUrlExpiry('https://example.com/song.mp3')).toBeNull();
    expect(parseUrlExpiry('https://x.test/?expire=soon')).toBeNull();
    expect(parseUrlExpiry('https://x.test/?expire=-5')).toBeNull();
    expect(parseUrlExpiry('https://x.test/?expire=0')).toBeNull();
    expect(parseUrlExpiry('https://x.test/?expire=99999999999999')).toBeNull();
    expect(parseUrlExpiry('not a url')).toBeNull();
  });

  it('never throws', () => {
    fc.assert(fc.property(fc.string(), (s) => parseUrlExpiry(s) === null || Number.isFinite(parseUrlExpiry(s))));
  });
});
