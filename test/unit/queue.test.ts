import { describe, expect, it } from 'vitest';
import { Queue } from '../../src/core/queue.js';
import type { Track } from '../../src/core/track.js';
import { alice, bob, expectUserError, playing, queueOf, state, titles, track } from './queue-fixtures.js';

describe('Queue.add', () => {
  it('appends with increasing entry ids, requester and the injected time', () => {
    const queue = new Queue();
    const first = queue.add([track('a'), track('b')], alice, 42);
    const second = queue.add([track('c')], bob, 43);
    expect(first.map((e) => e.entryId)).toEqual([1, 2]);
    expect(second[0]).toMatchObject({ entryId: 3, title: 'c', requester: bob, addedAt: 43 });
    expect(titles(queue)).toEqual(['a', 'b', 'c']);
    expect(queue.current).toBeNull();
    expect(queue.nextEntryId).toBe(4);
  });

  it("inserts at 'next' in the given order, before existing upcoming entries", () => {
    const queue = playing(['a', 'b', 'c']);
    queue.add([track('x'), track('y')], bob, 5, 'next');
    expect(state(queue)).toEqual({ current: 'a', upcoming: ['x', 'y', 'b', 'c'], history: [] });
  });

  it('honours the nextEntryId option', () => {
    const queue = new Queue({ nextEntryId: 100 });
    expect(queue.add([track('a')], alice, 0)[0]?.entryId).toBe(100);
  });

  it('copies only Track fields into frozen, plain entries', () => {
    const queue = new Queue();
    const source = { ...track('a'), artist: undefined, isLive: false, extra: () => 1 } as Track;
    const [entry] = queue.add([source], alice, 0);
    expect(entry).toEqual({ ...track('a'), isLive: false, entryId: 1, requester: alice, addedAt: 0 });
    expect(Object.keys(entry ?? {})).not.toContain('artist');
    expect(Object.isFrozen(entry)).toBe(true);
  });

  it('rejects an unknown position without consuming ids', () => {
    const queue = new Queue();
    expectUserError(() => queue.add([track('a')], alice, 0, 'middle' as 'end'), 'BAD_ADD_POSITION');
    expect(queue.nextEntryId).toBe(1);
    expect(queue.length).toBe(0);
  });
});

describe('Queue.addNow', () => {
  it('puts the new tracks next and starts the first, sending the old current to history', () => {
    const queue = playing(['a', 'b']);
    const { added, current } = queue.addNow([track('x'), track('y')], bob, 9);
    expect(current).toBe(added[0]);
    expect(state(queue)).toEqual({ current: 'x', upcoming: ['y', 'b'], history: ['a'] });
  });

  it('starts the new track when nothing is playing, and changes nothing for an empty list', () => {
    const queue = new Queue();
    expect(queue.addNow([], alice, 0).current).toBeNull();
    expect(queue.addNow([track('x')], alice, 0).current?.title).toBe('x');
    expect(queue.length).toBe(0);
  });
});

describe('Queue.advance', () => {
  it('loop off: moves current to history and takes the next; null when the queue runs out', () => {
    const queue = queueOf(['a', 'b']);
    expect(queue.advance('finished')?.title).toBe('a');
    expect(queue.advance('finished')?.title).toBe('b');
    expect(queue.advance('skipped')).toBeNull();
    expect(state(queue)).toEqual({ current: null, upcoming: [], history: ['a', 'b'] });
    expect(queue.advance('finished')).toBeNull();
    expect(queue.history).toHaveLength(2);
  });

  it("loop track: 'finished' repeats the same entry without filling history", () => {
    const queue = playing(['a', 'b']);
    queue.loop = 'track';
    const entry = queue.current;
    for (let i = 0; i < 5; i += 1) expect(queue.advance('finished')).toBe(entry);
    expect(state(queue)).toEqual({ current: 'a', upcoming: ['b'], history: [] });
  });

  it("loop track: 'skipped' moves on like loop off", () => {
    const queue = playing(['a', 'b']);
    queue.loop = 'track';
    expect(queue.advance('skipped')?.title).toBe('b');
    expect(state(queue)).toEqual({ current: 'b', upcoming: [], history: ['a'] });
  });

  it('loop track with nothing current takes the first upcoming entry', () => {
    const queue = queueOf(['a']);
    queue.loop = 'track';
    expect(queue.advance('finished')?.title).toBe('a');
  });

  it('loop queue: the old current (same entry) goes to the end of upcoming, not to history', () => {
    const queue = playing(['a', 'b', 'c']);
    queue.loop = 'queue';
    const a = queue.current;
    expect(queue.advance('finished')?.title).toBe('b');
    expect(queue.advance('skipped')?.title).toBe('c');
    expect(state(queue)).toEqual({ current: 'c', upcoming: ['a', 'b'], history: [] });
    expect(queue.at(0)).toBe(a);
    expect(queue.advance('finished')).toBe(a);
  });

  it('loop queue: a single entry repeats', () => {
    const queue = playing(['a']);
    queue.loop = 'queue';
    const a = queue.current;
    expect(queue.advance('finished')).toBe(a);
    expect(queue.advance('skipped')).toBe(a);
    expect(queue.length).toBe(0);
  });

  it('keeps the history bounded, dropping the oldest', () => {
    const queue = queueOf(['a', 'b', 'c', 'd', 'e'], { historyLimit: 2 });
    for (let i = 0; i < 5; i += 1) queue.advance('finished');
    expect(state(queue)).toEqual({ current: 'e', upcoming: [], history: ['c', 'd'] });
  });

  it('keeps no history with historyLimit 0', () => {
    const queue = queueOf(['a', 'b'], { historyLimit: 0 });
    queue.advance('finished');
    queue.advance('finished');
    expect(queue.history).toEqual([]);
    expect(queue.previous()).toBeNull();
  });
});

describe('Queue.skip / skipTo', () => {
  it('skips the current and count - 1 more into history, in order', () => {
    const queue = playing(['a', 'b', 'c', 'd']);
    const result = queue.skip(3);
    expect(titles(result.skipped)).toEqual(['a', 'b', 'c']);
    expect(result.current?.title).toBe('d');
    expect(state(queue)).toEqual({ current: 'd', upcoming: [], history: ['a', 'b', 'c'] });
  });

  it('defaults to one and can skip everything (ending the queue)', () => {
    const queue = playing(['a', 'b']);
    expect(queue.skip().current?.title).toBe('b');
    expect(queue.skip(1)).toEqual({ skipped: [expect.objectContaining({ title: 'b' })], current: null });
  });

  it('skips even in loop track, and cycles entries in loop queue', () => {
    const looped = playing(['a', 'b', 'c']);
    looped.loop = 'track';
    expect(looped.skip(2).current?.title).toBe('c');
    const cycled = playing(['a', 'b', 'c']);
    cycled.loop = 'queue';
    expect(cycled.skip(2).current?.title).toBe('c');
    expect(state(cycled)).toEqual({ current: 'c', upcoming: ['a', 'b'], history: [] });
  });

  it('rejects counts out of range and does nothing when nothing plays', () => {
    const queue = playing(['a', 'b', 'c']);
    expectUserError(() => queue.skip(4), 'SKIP_COUNT_OUT_OF_RANGE', 'You can skip 1-3 tracks.');
    expectUserError(() => queue.skip(0), 'SKIP_COUNT_OUT_OF_RANGE');
    expectUserError(() => queue.skip(1.5), 'SKIP_COUNT_OUT_OF_RANGE');
    expectUserError(() => playing(['a']).skip(2), 'SKIP_COUNT_OUT_OF_RANGE', 'You can skip only 1 track.');
    expect(state(queue)).toEqual({ current: 'a', upcoming: ['b', 'c'], history: [] });
    expect(new Queue().skip(5)).toEqual({ skipped: [], current: null });
  });

  it('skipTo jumps to a 1-based upcoming position', () => {
    const queue = playing(['a', 'b', 'c', 'd']);
    const result = queue.skipTo(2);
    expect(titles(result.skipped)).toEqual(['a', 'b']);
    expect(state(queue)).toEqual({ current: 'c', upcoming: ['d'], history: ['a', 'b'] });
  });

  it('skipTo with nothing current starts at that position', () => {
    const queue = queueOf(['a', 'b', 'c']);
    expect(queue.skipTo(2).current?.title).toBe('b');
    expect(state(queue)).toEqual({ current: 'b', upcoming: ['c'], history: ['a'] });
  });

  it('skipTo validates the position', () => {
    expectUserError(
      () => playing(['a', 'b', 'c']).skipTo(3),
      'QUEUE_POSITION_OUT_OF_RANGE',
      'The queue has 2 tracks; pick 1-2.',
    );
    expectUserError(() => playing(['a']).skipTo(1), 'QUEUE_EMPTY');
  });
});

describe('Queue.previous', () => {
  it('brings back the last history entry and puts the current back in front', () => {
    const queue = playing(['a', 'b', 'c']);
    queue.advance('finished');
    expect(queue.previous()?.title).toBe('a');
    expect(state(queue)).toEqual({ current: 'a', upcoming: ['b', 'c'], history: [] });
    expect(queue.previous()).toBeNull();
    expect(state(queue)).toEqual({ current: 'a', upcoming: ['b', 'c'], history: [] });
  });

  it('replays the last track after the queue ended', () => {
    const queue = playing(['a']);
    queue.advance('finished');
    expect(queue.previous()?.title).toBe('a');
    expect(state(queue)).toEqual({ current: 'a', upcoming: [], history: [] });
  });

  it('in loop track goes to the track before the looping one', () => {
    const queue = playing(['a', 'b']);
    queue.advance('finished');
    queue.loop = 'track';
    queue.advance('finished');
    expect(queue.previous()?.title).toBe('a');
    expect(state(queue)).toEqual({ current: 'a', upcoming: ['b'], history: [] });
  });

  it('in loop queue rotates the circle back by one', () => {
    const queue = playing(['a', 'b', 'c']);
    queue.loop = 'queue';
    queue.advance('finished');
    expect(queue.previous()?.title).toBe('a');
    expect(state(queue)).toEqual({ current: 'a', upcoming: ['b', 'c'], history: [] });
    expect(queue.previous()?.title).toBe('c');
    expect(state(queue)).toEqual({ current: 'c', upcoming: ['a', 'b'], history: [] });
  });

  it('in loop queue with a single entry replays it', () => {
    const queue = playing(['a']);
    queue.loop = 'queue';
    expect(queue.previous()).toBe(queue.current);
  });

  it('in loop queue with nothing current uses the history', () => {
    const queue = playing(['a']);
    queue.advance('finished');
    queue.loop = 'queue';
    expect(queue.previous()?.title).toBe('a');
  });
});
