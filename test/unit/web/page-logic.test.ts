import { describe, expect, it } from 'vitest';
import { formatTime, positionAt, seekTarget } from '../../../web/src/progress.js';
import { allowedImage, plainText } from '../../../web/src/message-text.js';
import { dropIndex, moveItem } from '../../../web/src/reorder.js';
import type { Player } from '../../../web/src/types.js';

const player = (over: Partial<Player> = {}): Player => ({
  status: 'playing',
  track: { entryId: 1, title: 't', url: null, artworkUrl: null, durationMs: 60_000, requestedBy: null, source: 'http' },
  positionMs: 10_000,
  volume: 100,
  loop: 'off',
  filter: 'off',
  voiceChannelId: '1',
  ...over,
});

describe('progress interpolation', () => {
  it('moves with the clock while playing, never past the end', () => {
    expect(positionAt(player(), 1000, 3500)).toBe(12_500);
    expect(positionAt(player(), 0, 999_999)).toBe(60_000);
  });

  it('stands still while paused or loading, and for a live stream has no end', () => {
    expect(positionAt(player({ status: 'paused' }), 0, 5000)).toBe(10_000);
    expect(positionAt(player({ status: 'loading' }), 0, 5000)).toBe(10_000);
    const live = player({ track: { ...player().track!, durationMs: null } });
    expect(positionAt(live, 0, 999_000)).toBe(1_009_000);
  });

  it('formats times as m:ss or h:mm:ss, and a missing length as live', () => {
    expect([0, 9_999, 83_000, 3_723_000].map(formatTime)).toEqual(['0:00', '0:09', '1:23', '1:02:03']);
    expect(formatTime(null)).toBe('live');
  });

  it('turns a click on the bar into a position, clamped to the track', () => {
    expect(seekTarget(150, 100, 200, 60_000)).toBe(15_000);
    expect(seekTarget(50, 100, 200, 60_000)).toBe(0);
    expect(seekTarget(400, 100, 200, 60_000)).toBe(60_000);
    expect(seekTarget(150, 100, 0, 60_000)).toBe(0);
  });
});

describe('queue reorder', () => {
  it('moves an item so it ends at the target index (the API move toIndex)', () => {
    expect(moveItem(['a', 'b', 'c', 'd'], 3, 0)).toEqual(['d', 'a', 'b', 'c']);
    expect(moveItem(['a', 'b', 'c', 'd'], 0, 2)).toEqual(['b', 'c', 'a', 'd']);
    expect(moveItem(['a', 'b'], 1, 9)).toEqual(['a', 'b']);
    expect(moveItem(['a', 'b'], 5, 0)).toEqual(['a', 'b']);
  });

  it('finds the landing index from the pointer and the other items middles', () => {
    const middles = [20, 60, 100];
    expect([0, 21, 59, 61, 140].map((y) => dropIndex(middles, y))).toEqual([0, 1, 1, 2, 3]);
  });
});

describe('API messages as plain text', () => {
  it("drops Discord's Markdown markers, escapes and mentions", () => {
    expect(plainText('↕ Moved **880\\-60** to position #1.')).toBe('↕ Moved 880-60 to position #1.');
    expect(plainText('You need to be in my voice channel <#1577358589478174725> to control playback.')).toBe(
      'You need to be in my voice channel to control playback.',
    );
    expect(plainText('Skipped `a_b` for <@123>.')).toBe('Skipped a_b for.');
    expect(plainText('Plain text stays.')).toBe('Plain text stays.');
  });
});

describe('images under the CSP (img-src self https: data:)', () => {
  it('keeps https, data:image and same-origin URLs, and leaves the rest out instead of showing a broken image', () => {
    expect(allowedImage('https://i.ytimg.com/vi/x/hq.jpg')).toBe('https://i.ytimg.com/vi/x/hq.jpg');
    expect(allowedImage('data:image/png;base64,AAAA')).toBe('data:image/png;base64,AAAA');
    expect(allowedImage('/art/1.png')).toBe('/art/1.png');
    expect(
      [null, '', 'http://example.com/a.jpg', '//evil.example/a.png', 'javascript:alert(1)'].map(allowedImage),
    ).toEqual([null, null, null, null, null]);
  });
});
