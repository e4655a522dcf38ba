import { describe, expect, it } from 'vitest';
import { escapeText, formatDuration, progressBar } from '../../src/core/format.js';

describe('escapeText', () => {
  it('neutralises mentions and markdown from untrusted titles', () => {
    const out = escapeText('@everyone <@123456789012345678> <@&987654321098765432> **bold** [x](http://evil)');
    expect(out).not.toMatch(/@everyone/);
    expect(out).not.toMatch(/<@\d+>/);
    expect(out).not.toMatch(/<@&\d+>/);
    expect(out).toContain('\\*\\*bold\\*\\*');
    expect(out).toContain('\\[x\\]\\(http:\u200B//evil\\)');
  });

  it('clips long text and flattens newlines', () => {
    expect(escapeText('a\nb')).toBe('a b');
    expect(escapeText('x'.repeat(300), 10)).toHaveLength(10);
  });
});

describe('formatDuration / progressBar', () => {
  it('formats durations', () => {
    expect(formatDuration(83_000)).toBe('1:23');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(null)).toBe('live');
  });

  it('places the knob by elapsed share', () => {
    expect(progressBar(0, 100_000, 10).indexOf('🔘')).toBe(0);
    expect(progressBar(100_000, 100_000, 10).endsWith('🔘')).toBe(true);
    expect(progressBar(5, null)).toContain('live');
  });
});
