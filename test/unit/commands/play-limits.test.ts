import { describe, expect, it } from 'vitest';
import { applyQueueLimits, assertSomethingAccepted, describeLeftOut } from '../../../src/commands/play-limits.js';
import type { Track } from '../../../src/core/track.js';

const track = (id: string): Track => ({
  id,
  source: 'http',
  title: id,
  url: `https://example.com/${id}`,
  durationMs: 1000,
});
const empty = { upcoming: 0, byRequester: 0, has: () => false };
const open = { maxQueueLength: 500, maxTracksPerUser: null, allowDuplicates: true };

describe('applyQueueLimits', () => {
  it('lets everything in when no limit bites', () => {
    const result = applyQueueLimits([track('a'), track('a')], empty, open);
    expect(result.accepted.map((t) => t.id)).toEqual(['a', 'a']);
    expect(describeLeftOut(result)).toBe('');
  });

  it('drops duplicates of live entries and within the batch when duplicates are off', () => {
    const queue = { ...empty, has: (id: string) => id === 'a' };
    const result = applyQueueLimits([track('a'), track('b'), track('b'), track('c')], queue, {
      ...open,
      allowDuplicates: false,
    });
    expect(result.accepted.map((t) => t.id)).toEqual(['b', 'c']);
    expect(result.duplicates).toBe(2);
    expect(describeLeftOut(result)).toBe(' (left out: 2 already queued)');
  });

  it('trims a playlist to the queue length and the per-member limit', () => {
    const tracks = ['a', 'b', 'c', 'd', 'e'].map(track);
    const full = applyQueueLimits(tracks, { ...empty, upcoming: 8 }, { ...open, maxQueueLength: 10 });
    expect(full.accepted).toHaveLength(2);
    expect(full.overQueueLimit).toBe(3);
    const mine = applyQueueLimits(tracks, { ...empty, byRequester: 2 }, { ...open, maxTracksPerUser: 3 });
    expect(mine.accepted).toHaveLength(1);
    expect(mine.overUserLimit).toBe(4);
  });

  it('explains why nothing got in', () => {
    const dup = applyQueueLimits([track('a')], { ...empty, has: () => true }, { ...open, allowDuplicates: false });
    expect(() => assertSomethingAccepted(dup, open)).toThrow(/already in the queue/);
    const full = applyQueueLimits([track('a')], { ...empty, upcoming: 3 }, { ...open, maxQueueLength: 3 });
    expect(() => assertSomethingAccepted(full, { ...open, maxQueueLength: 3 })).toThrow(/queue is full.*3 tracks/);
    const mine = applyQueueLimits([track('a')], { ...empty, byRequester: 2 }, { ...open, maxTracksPerUser: 2 });
    expect(() => assertSomethingAccepted(mine, { ...open, maxTracksPerUser: 2 })).toThrow(/You already have 2 track/);
  });
});
