import { describe, expect, it } from 'vitest';
import { Deque } from '../../src/core/queue-deque.js';
import { Queue } from '../../src/core/queue.js';
import type { QueueSnapshot } from '../../src/core/queue.js';
import { alice, bob, expectUserError, playing, queueOf, state, titles, track } from './queue-fixtures.js';

describe('Queue removals', () => {
  it('remove drops one 1-based position and returns it', () => {
    const queue = playing(['a', 'b', 'c', 'd']);
    expect(queue.remove(2).title).toBe('c');
    expect(state(queue)).toEqual({ current: 'a', upcoming: ['b', 'd'], history: [] });
  });

  it('remove validates with friendly details', () => {
    const queue = queueOf(['a', 'b', 'c', 'd']);
    for (const bad of [0, 5, -1, 1.5, Number.NaN]) {
      expectUserError(() => queue.remove(bad), 'QUEUE_POSITION_OUT_OF_RANGE', 'The queue has 4 tracks; pick 1-4.');
    }
    expectUserError(() => queueOf(['a']).remove(2), 'QUEUE_POSITION_OUT_OF_RANGE', 'The queue has 1 track; pick 1.');
    expectUserError(() => new Queue().remove(1), 'QUEUE_EMPTY');
    expect(queue.length).toBe(4);
  });

  it('removeRange removes an inclusive range and validates it', () => {
    const queue = queueOf(['a', 'b', 'c', 'd', 'e']);
    expect(titles(queue.removeRange(2, 4))).toEqual(['b', 'c', 'd']);
    expect(titles(queue)).toEqual(['a', 'e']);
    expect(titles(queue.removeRange(2, 2))).toEqual(['e']);
    queue.add([track('f'), track('g')], alice, 0);
    expectUserError(() => queue.removeRange(3, 1), 'QUEUE_RANGE_REVERSED', 'must not start (3) after it ends (1)');
    expectUserError(() => queue.removeRange(1, 4), 'QUEUE_POSITION_OUT_OF_RANGE', 'pick 1-3');
    expect(titles(queue)).toEqual(['a', 'f', 'g']);
  });

  it("removeWhere removes one user's tracks from upcoming only", () => {
    const queue = new Queue();
    queue.add([track('a1')], alice, 0);
    queue.add([track('b1'), track('b2')], bob, 0);
    queue.add([track('a2')], alice, 0);
    queue.advance('finished');
    const removed = queue.removeWhere((e) => e.requester.id === alice.id);
    expect(titles(removed)).toEqual(['a2']);
    expect(state(queue)).toEqual({ current: 'a1', upcoming: ['b1', 'b2'], history: [] });
    expect(queue.removeWhere(() => false)).toEqual([]);
  });

  it('clear empties upcoming only; reset empties everything but never reuses ids', () => {
    const queue = playing(['a', 'b', 'c']);
    queue.advance('finished');
    queue.loop = 'queue';
    expect(titles(queue.clear())).toEqual(['c']);
    expect(state(queue)).toEqual({ current: 'b', upcoming: [], history: ['a'] });
    queue.reset();
    expect(state(queue)).toEqual({ current: null, upcoming: [], history: [] });
    expect(queue.loop).toBe('off');
    expect(queue.isEmpty).toBe(true);
    expect(queue.add([track('d')], alice, 0)[0]?.entryId).toBe(4);
    expect(queue.has('http:a')).toBe(false);
  });
});

describe('Queue.move and shuffle', () => {
  it('move puts the entry at the target position, both directions', () => {
    const queue = queueOf(['a', 'b', 'c', 'd']);
    expect(queue.move(1, 3).title).toBe('a');
    expect(titles(queue)).toEqual(['b', 'c', 'a', 'd']);
    queue.move(4, 1);
    expect(titles(queue)).toEqual(['d', 'b', 'c', 'a']);
    queue.move(2, 2);
    expect(titles(queue)).toEqual(['d', 'b', 'c', 'a']);
    expectUserError(() => queue.move(1, 5), 'QUEUE_POSITION_OUT_OF_RANGE', 'pick 1-4');
    expect(titles(queue)).toEqual(['d', 'b', 'c', 'a']);
  });

  it('shuffle is Fisher-Yates over upcoming driven by the injected rng', () => {
    // rng always 0: each step swaps position i with 0, i.e. [a,b,c,d] -> [b,c,d,a].
    const queue = playing(['x', 'a', 'b', 'c', 'd'], { rng: () => 0 });
    queue.shuffle();
    expect(state(queue)).toEqual({ current: 'x', upcoming: ['b', 'c', 'd', 'a'], history: [] });
    const identity = queueOf(['a', 'b', 'c'], { rng: () => 0.9999 });
    identity.shuffle();
    expect(titles(identity)).toEqual(['a', 'b', 'c']);
  });

  it('shuffle tolerates an rng that returns out-of-range values', () => {
    const queue = queueOf(['a', 'b', 'c'], { rng: () => 1 });
    queue.shuffle();
    expect(titles(queue).sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('Queue queries', () => {
  it('length, totalDurationMs (known durations only), at, slice and iteration', () => {
    const queue = new Queue();
    queue.add([track('a', 1000), track('live', null), track('b', 2500), track('c', 500)], alice, 0);
    queue.advance('finished');
    expect(queue.length).toBe(3);
    expect(queue.totalDurationMs).toBe(3000);
    expect(queue.at(0)?.title).toBe('live');
    expect(queue.at(3)).toBeUndefined();
    expect(queue.at(-1)).toBeUndefined();
    expect(titles(queue.slice(1))).toEqual(['b', 'c']);
    expect(titles(queue.slice(-5, 2))).toEqual(['live', 'b']);
    expect(titles(queue)).toEqual(['live', 'b', 'c']);
    expect(Object.isFrozen(queue.upcoming)).toBe(true);
  });

  it('find and positionOf', () => {
    const queue = playing(['a', 'b', 'c']);
    expect(queue.find((e) => e.title === 'a')).toBe(queue.current);
    expect(queue.find((e) => e.title === 'c')?.entryId).toBe(3);
    expect(queue.find(() => false)).toBeNull();
    expect(queue.positionOf(3)).toBe(2);
    expect(queue.positionOf(1)).toBeNull();
  });

  it('has(trackId) tracks live entries through every kind of change', () => {
    const queue = new Queue();
    queue.add([track('a'), track('a'), track('b')], alice, 0);
    expect(queue.has('http:a')).toBe(true);
    queue.remove(1);
    expect(queue.has('http:a')).toBe(true);
    queue.advance('finished');
    expect(queue.has('http:a')).toBe(true);
    queue.advance('finished');
    expect(queue.has('http:a')).toBe(false);
    queue.previous();
    expect(queue.has('http:a')).toBe(true);
    queue.clear();
    queue.advance('skipped');
    expect(queue.has('http:a')).toBe(false);
    expect(queue.has('http:b')).toBe(false);
  });

  it('countBy counts the current and upcoming entries of a requester', () => {
    const queue = new Queue();
    queue.add([track('a'), track('b')], alice, 0);
    queue.add([track('c')], bob, 0);
    expect(queue.countBy(alice.id)).toBe(2);
    queue.advance('finished');
    expect(queue.countBy(alice.id)).toBe(2);
    queue.advance('finished');
    expect(queue.countBy(alice.id)).toBe(1);
    expect(queue.countBy('nobody')).toBe(0);
  });

  it('rejects an invalid loop mode', () => {
    const queue = new Queue();
    expectUserError(() => {
      queue.loop = 'all' as 'off';
    }, 'BAD_LOOP_MODE');
    expect(queue.loop).toBe('off');
  });

  it('rejects invalid options', () => {
    expect(() => new Queue({ historyLimit: -1 })).toThrow(RangeError);
    expect(() => new Queue({ nextEntryId: 0 })).toThrow(RangeError);
  });
});

describe('Queue snapshot / restore', () => {
  it('round-trips exactly through JSON and keeps working', () => {
    const queue = playing(['a', 'b', 'c', 'd']);
    queue.add([{ ...track('e'), artist: 'X', thumbnailUrl: 'https://t/e.jpg', isLive: true }], bob, 7);
    queue.advance('skipped');
    queue.loop = 'track';
    const snapshot = queue.snapshot();
    const json = JSON.parse(JSON.stringify(snapshot)) as QueueSnapshot;
    expect(json).toStrictEqual(snapshot);
    const restored = Queue.restore(json);
    expect(restored.snapshot()).toStrictEqual(snapshot);
    expect(restored.has('http:e')).toBe(true);
    expect(restored.has('http:a')).toBe(false);
    expect(restored.add([track('f')], alice, 0)[0]?.entryId).toBe(6);
    expect(restored.previous()?.title).toBe('a');
  });

  it('trims history to a smaller limit on restore, keeping the most recent', () => {
    const queue = queueOf(['a', 'b', 'c', 'd']);
    for (let i = 0; i < 4; i += 1) queue.advance('finished');
    expect(titles(Queue.restore(queue.snapshot(), { historyLimit: 2 }).history)).toEqual(['b', 'c']);
  });

  it('rejects corrupt snapshots', () => {
    const good = playing(['a', 'b']).snapshot();
    const bad: unknown[] = [
      { ...good, version: 2 },
      { ...good, loop: 'forever' },
      { ...good, nextEntryId: 2 },
      { ...good, nextEntryId: 'x' },
      { ...good, upcoming: [good.current] },
      { ...good, upcoming: [{ title: 'no id' }] },
      { ...good, history: null },
    ];
    for (const snapshot of bad) expect(() => Queue.restore(snapshot as QueueSnapshot)).toThrow(TypeError);
  });
});

describe('scale', () => {
  it('10,000 appends and 10,000 advances stay correct with compacted storage', () => {
    const queue = new Queue();
    for (let i = 0; i < 10_000; i += 1) queue.add([track(`t${i}`)], alice, i);
    expect(queue.length).toBe(10_000);
    for (let i = 0; i < 10_000; i += 1) {
      expect(queue.advance('finished')?.entryId).toBe(i + 1);
    }
    expect(queue.length).toBe(0);
    expect(queue.history).toHaveLength(50);
    expect(queue.history.at(-1)?.title).toBe('t9998');
  });

  it('the deque keeps its backing storage proportional to its length', () => {
    const deque = new Deque<number>();
    for (let i = 0; i < 10_000; i += 1) deque.pushBack(i);
    let maxWaste = 0;
    for (let i = 0; i < 10_000; i += 1) {
      expect(deque.popFront()).toBe(i);
      maxWaste = Math.max(maxWaste, deque.capacity - 3 * deque.length);
    }
    // Dead slots never exceed max(32, 2 × live) by more than one step, so capacity is O(length).
    expect(maxWaste).toBeLessThanOrEqual(33);
    expect(deque.capacity).toBe(0);
  });

  it('the deque pushes to the front in O(1) amortised (reserved gap) and pops from both ends', () => {
    const deque = new Deque<number>();
    for (let i = 0; i < 10_000; i += 1) deque.pushFront(i);
    expect(deque.capacity).toBeLessThanOrEqual(2 * deque.length + 8);
    expect(deque.at(0)).toBe(9_999);
    expect(deque.popBack()).toBe(0);
    expect(deque.toArray().slice(0, 3)).toEqual([9_999, 9_998, 9_997]);
    expect(deque.length).toBe(9_999);
  });
});

describe('peekNext', () => {
  it('names what advance("finished") would play, without changing anything', () => {
    for (const loop of ['off', 'track', 'queue'] as const) {
      const q = playing(['a', 'b']);
      q.loop = loop;
      const before = state(q);
      const peeked = q.peekNext();
      expect(state(q)).toEqual(before);
      expect(peeked).toBe(q.advance('finished'));
    }
  });

  it('is null at the end of the queue unless looping', () => {
    const q = playing(['a']);
    expect(q.peekNext()).toBeNull();
    q.loop = 'queue';
    expect(q.peekNext()?.title).toBe('a');
  });
});
