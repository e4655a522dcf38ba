import { describe, expect, it } from 'vitest';
import { parseSeekTarget, resolveSeekTarget } from '../../../src/commands/parse-seek.js';

describe('parseSeekTarget', () => {
  it.each([
    ['83', 83_000],
    ['0', 0],
    ['1:23', 83_000],
    ['01:23', 83_000],
    ['1:02:03', 3_723_000],
    ['90:00', 5_400_000],
    ['  2:05 ', 125_000],
  ])('reads %j as an absolute position', (input, ms) => {
    expect(parseSeekTarget(input)).toEqual({ kind: 'absolute', ms });
  });

  it.each([
    ['+10', 10_000],
    ['-10', -10_000],
    ['+1:00', 60_000],
    ['- 5', -5_000],
  ])('reads %j as a relative jump', (input, deltaMs) => {
    expect(parseSeekTarget(input)).toEqual({ kind: 'relative', deltaMs });
  });

  it.each(['', 'abc', '1:60', '1:2:60', '1:02:03:04', '1.5', '+', '1::2', '10s', '--5', '99999:00', '-1:-2', '1e3'])(
    'refuses %j',
    (input) => {
      expect(parseSeekTarget(input)).toBeNull();
    },
  );
});

describe('resolveSeekTarget', () => {
  it('keeps absolute positions and applies jumps to where playback is', () => {
    expect(resolveSeekTarget({ kind: 'absolute', ms: 5_000 }, 60_000)).toBe(5_000);
    expect(resolveSeekTarget({ kind: 'relative', deltaMs: 10_000 }, 60_400.7)).toBe(70_400);
    expect(resolveSeekTarget({ kind: 'relative', deltaMs: -10_000 }, 60_000)).toBe(50_000);
  });

  it('lands on the start when rewinding past it', () => {
    expect(resolveSeekTarget({ kind: 'relative', deltaMs: -30_000 }, 12_000)).toBe(0);
  });
});
