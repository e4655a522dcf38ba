import { describe, expect, it } from 'vitest';
import { parsePositionRange } from '../../../src/commands/parse-range.js';

describe('parsePositionRange', () => {
  it.each([
    ['3', { from: 3, to: 3 }],
    [' 3 ', { from: 3, to: 3 }],
    ['3-7', { from: 3, to: 7 }],
    ['3 - 7', { from: 3, to: 7 }],
    ['3–7', { from: 3, to: 7 }],
    ['5-5', { from: 5, to: 5 }],
  ])('reads %j', (input, range) => {
    expect(parsePositionRange(input)).toEqual(range);
  });

  it.each(['', '0', '0-3', '7-3', 'a', '3-', '-3', '3-7-9', '1.5', '3,4', '1234567'])('refuses %j', (input) => {
    expect(parsePositionRange(input)).toBeNull();
  });
});
