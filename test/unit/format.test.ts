import { describe, expect, it } from 'vitest';
import {
  escapeText,
  formatDuration,
  loopPhrase,
  playbackProgress,
  plural,
  progressBar,
  trackLength,
} from '../../src/core/format.js';

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
    expect(formatDuration(null)).toBe('?:??');
  });

  it('calls only a live stream live; an unknown length shows the time played', () => {
    expect(playbackProgress(83_000, { durationMs: null, isLive: true })).toBe('🔴 live · `1:23`');
    expect(playbackProgress(83_000, { durationMs: null })).toBe('`1:23` played (length unknown)');
    expect(playbackProgress(83_000, { durationMs: null })).not.toMatch(/live/);
    expect(playbackProgress(0, { durationMs: 100_000 })).toMatch(/^🔘▬+ `0:00 \/ 1:40`$/);
    expect(trackLength({ durationMs: null })).toBe('');
  });

  it('reads counts and loop modes as English', () => {
    expect(plural(1, 'track')).toBe('1 track');
    expect(plural(3, 'upcoming track')).toBe('3 upcoming tracks');
    expect([loopPhrase('off'), loopPhrase('track'), loopPhrase('queue')]).toEqual([
      'no repeat',
      'repeating this track',
      'repeating the queue',
    ]);
  });

  it('places the knob by elapsed share', () => {
    expect(progressBar(0, 100_000, 10).indexOf('🔘')).toBe(0);
    expect(progressBar(100_000, 100_000, 10).endsWith('🔘')).toBe(true);
    expect(progressBar(5, null)).not.toContain('live');
  });
});
