import { describe, expect, it } from 'vitest';
import { lineAt, pageLyrics, parseLrc } from '../../src/core/lrc.js';

describe('LRC', () => {
  it('parses stamps (several per line, 2- or 3-digit fractions), drops tags, sorts by time', () => {
    const lines = parseLrc('[ar:Someone]\n[00:12.50]Second\n[00:01.00][01:00.123]Chorus\nno stamp\n[00:05]Third');
    expect(lines).toEqual([
      { timeMs: 1000, text: 'Chorus' },
      { timeMs: 5000, text: 'Third' },
      { timeMs: 12_500, text: 'Second' },
      { timeMs: 60_123, text: 'Chorus' },
    ]);
  });

  it('applies [offset:]', () => {
    expect(parseLrc('[offset:+500]\n[00:02.00]x')[0]?.timeMs).toBe(1500);
  });

  it('finds the line sung at a moment', () => {
    const lines = parseLrc('[00:01]a\n[00:03]b\n[00:06]c');
    expect([0, 999, 1000, 2999, 3000, 10_000].map((ms) => lineAt(lines, ms))).toEqual([-1, -1, 0, 0, 1, 2]);
  });

  it('pages plain lyrics by lines and size', () => {
    const text = Array.from({ length: 60 }, (_, i) => `line ${i}`).join('\n');
    const pages = pageLyrics(text, 1500, 25);
    expect(pages.map((p) => p.length)).toEqual([25, 25, 10]);
    expect(pageLyrics('')).toEqual([[]]);
  });
});
