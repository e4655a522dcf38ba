/**
 * Property tests for the queue's invariants (see the TSDoc of src/core/queue.ts). Random operation sequences
 * include invalid positions on purpose: a rejected operation must leave the queue untouched.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUserError } from '../../src/core/errors.js';
import { Queue } from '../../src/core/queue.js';
import type { LoopMode, QueueSnapshot } from '../../src/core/queue.js';
import type { QueuedTrack, Requester, Track } from '../../src/core/track.js';

const RUNS = { numRuns: 300 };
const REQUESTERS: Requester[] = [0, 1, 2].map((i) => ({ id: `u${i}`, name: `User ${i}` }));
const TRACK_POOL = 5; // small, so the same Track.id is often queued twice

const track = (k: number): Track => ({
  id: `http:t${k}`,
  source: 'http',
  title: `Track ${k}`,
  url: `https://example.com/t${k}.mp3`,
  durationMs: k === 0 ? null : k * 1000,
});

/** mulberry32: a tiny seeded rng, so shuffles are reproducible. */
const seeded = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

type Op =
  | { kind: 'add' | 'addNow'; picks: number[]; who: number; next: boolean }
  | { kind: 'advance'; reason: 'finished' | 'skipped' }
  | { kind: 'skip' | 'skipTo' | 'remove'; n: number }
  | { kind: 'removeRange' | 'move'; a: number; b: number }
  | { kind: 'removeWhere'; who: number }
  | { kind: 'loop'; mode: LoopMode }
  | { kind: 'previous' | 'shuffle' | 'clear' | 'reset' };

const pos = fc.integer({ min: -1, max: 9 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constantFrom('add' as const, 'addNow' as const),
      picks: fc.array(fc.nat(TRACK_POOL - 1), { maxLength: 4 }),
      who: fc.nat(2),
      next: fc.boolean(),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      reason: fc.constantFrom('finished' as const, 'skipped' as const),
    }),
    weight: 4,
  },
  fc.record({ kind: fc.constantFrom('skip' as const, 'skipTo' as const, 'remove' as const), n: pos }),
  fc.record({ kind: fc.constantFrom('removeRange' as const, 'move' as const), a: pos, b: pos }),
  fc.record({ kind: fc.constant('removeWhere' as const), who: fc.nat(2) }),
  fc.record({ kind: fc.constant('loop' as const), mode: fc.constantFrom<LoopMode>('off', 'track', 'queue') }),
  {
    arbitrary: fc.record({ kind: fc.constantFrom('previous' as const, 'shuffle' as const, 'clear' as const) }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('reset' as const) }), weight: 1 },
);
const opsArb = fc.array(opArb, { maxLength: 40 });

interface Applied {
  added: QueuedTrack[];
  /** Entries the operation explicitly removed (returned to the caller), or everything for `reset`. */
  removed: QueuedTrack[];
  threw: boolean;
}

const allEntries = (q: Queue): QueuedTrack[] => [...(q.current ? [q.current] : []), ...q.upcoming, ...q.history];
const liveEntries = (q: Queue): QueuedTrack[] => [...(q.current ? [q.current] : []), ...q.upcoming];
const ids = (entries: readonly QueuedTrack[]): number[] => entries.map((e) => e.entryId);
const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);

function run(q: Queue, op: Op): Omit<Applied, 'threw'> {
  const none = { added: [], removed: [] };
  switch (op.kind) {
    case 'add': {
      const added = q.add(op.picks.map(track), REQUESTERS[op.who] as Requester, 7, op.next ? 'next' : 'end');
      return { added, removed: [] };
    }
    case 'addNow':
      return { added: [...q.addNow(op.picks.map(track), REQUESTERS[op.who] as Requester, 7).added], removed: [] };
    case 'advance':
      q.advance(op.reason);
      return none;
    case 'skip':
      q.skip(op.n);
      return none;
    case 'skipTo':
      q.skipTo(op.n);
      return none;
    case 'previous':
      q.previous();
      return none;
    case 'remove':
      return { added: [], removed: [q.remove(op.n)] };
    case 'removeRange':
      return { added: [], removed: q.removeRange(op.a, op.b) };
    case 'removeWhere':
      return { added: [], removed: q.removeWhere((e) => e.requester.id === REQUESTERS[op.who]?.id) };
    case 'move':
      q.move(op.a, op.b);
      return none;
    case 'shuffle':
      q.shuffle();
      return none;
    case 'clear':
      return { added: [], removed: q.clear() };
    case 'reset': {
      const removed = allEntries(q);
      q.reset();
      return { added: [], removed };
    }
    case 'loop':
      q.loop = op.mode;
      return none;
  }
}

/** Applies an op; a `UserError` must leave the queue exactly as it was. */
function apply(q: Queue, op: Op): Applied {
  const before = q.snapshot();
  try {
    return { ...run(q, op), threw: false };
  } catch (error) {
    if (!isUserError(error)) throw error;
    expect(q.snapshot()).toStrictEqual(before);
    return { added: [], removed: [], threw: true };
  }
}

function checkInvariants(q: Queue): void {
  const every = ids(allEntries(q));
  expect(new Set(every).size).toBe(every.length); // (a) unique entry ids
  for (const id of every) expect(id).toBeLessThan(q.nextEntryId);
  expect(q.history.length).toBeLessThanOrEqual(q.historyLimit);
  expect(q.length).toBe(q.upcoming.length);
  const live = liveEntries(q);
  for (let k = 0; k < TRACK_POOL; k += 1) expect(q.has(`http:t${k}`)).toBe(live.some((e) => e.id === `http:t${k}`));
  for (const r of REQUESTERS) expect(q.countBy(r.id)).toBe(live.filter((e) => e.requester.id === r.id).length);
  expect(q.totalDurationMs).toBe(q.upcoming.reduce((sum, e) => sum + (e.durationMs ?? 0), 0));
}

const historyLimitArb = fc.constantFrom(0, 1, 3, 50);

describe('Queue properties', () => {
  it('(a) entry ids stay unique, and derived queries agree with brute force, after any sequence', () => {
    fc.assert(
      fc.property(opsArb, historyLimitArb, fc.integer(), (ops, historyLimit, seed) => {
        const q = new Queue({ historyLimit, rng: seeded(seed) });
        let lastNext = q.nextEntryId;
        for (const op of ops) {
          apply(q, op);
          checkInvariants(q);
          expect(q.nextEntryId).toBeGreaterThanOrEqual(lastNext);
          lastNext = q.nextEntryId;
        }
      }),
      RUNS,
    );
  });

  it('(b) no operation loses or duplicates entries; move and shuffle permute upcoming only', () => {
    fc.assert(
      fc.property(opsArb, fc.integer(), (ops, seed) => {
        const q = new Queue({ historyLimit: 1000, rng: seeded(seed) }); // no eviction: exact conservation
        for (const op of ops) {
          const before = q.snapshot();
          const { added, removed } = apply(q, op);
          const expected = new Set([...ids(allEntries(Queue.restore(before))), ...ids(added)]);
          for (const id of ids(removed)) expect(expected.delete(id)).toBe(true);
          expect(sorted(ids(allEntries(q)))).toEqual(sorted([...expected]));
          if (op.kind === 'move' || op.kind === 'shuffle') {
            expect(q.current).toBe(before.current);
            expect(q.history).toEqual(before.history);
            expect(sorted(ids(q.upcoming))).toEqual(sorted(ids(before.upcoming)));
          }
        }
      }),
      RUNS,
    );
  });

  it('(c) shuffle with a seeded rng is deterministic and a permutation', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(TRACK_POOL - 1), { maxLength: 30 }), fc.integer(), (picks, seed) => {
        const make = (): Queue => {
          const q = new Queue({ rng: seeded(seed) });
          q.add(picks.map(track), REQUESTERS[0] as Requester, 0);
          return q;
        };
        const [first, second] = [make(), make()];
        const original = ids(first.upcoming);
        first.shuffle();
        second.shuffle();
        expect(ids(first.upcoming)).toEqual(ids(second.upcoming));
        expect(sorted(ids(first.upcoming))).toEqual(original);
      }),
      RUNS,
    );
  });

  it('(d) snapshot/restore round-trips exactly (through JSON) and the copy behaves identically', () => {
    fc.assert(
      fc.property(opsArb, opsArb, historyLimitArb, fc.integer(), (prefix, suffix, historyLimit, seed) => {
        let rng = seeded(seed);
        const original = new Queue({ historyLimit, rng: () => rng() });
        for (const op of prefix) apply(original, op);
        const snapshot = original.snapshot();
        const json = JSON.parse(JSON.stringify(snapshot)) as QueueSnapshot;
        expect(json).toStrictEqual(snapshot);
        rng = seeded(seed + 1);
        const restored = Queue.restore(json, { historyLimit, rng: seeded(seed + 1) });
        expect(restored.snapshot()).toStrictEqual(snapshot);
        for (const op of suffix) {
          expect(apply(restored, op).threw).toBe(apply(original, op).threw);
          expect(restored.snapshot()).toStrictEqual(original.snapshot());
        }
      }),
      RUNS,
    );
  });

  it("(e) in loop 'queue', advancing or skipping never shrinks current + upcoming", () => {
    const noLoopChange = opArb.filter((op) => op.kind !== 'loop' && op.kind !== 'reset');
    fc.assert(
      fc.property(fc.array(noLoopChange, { maxLength: 40 }), fc.integer(), (ops, seed) => {
        const q = new Queue({ rng: seeded(seed) });
        q.loop = 'queue';
        for (const op of ops) {
          const before = liveEntries(q).length;
          apply(q, op);
          if (op.kind === 'advance' || op.kind === 'skip' || op.kind === 'skipTo') {
            expect(liveEntries(q).length).toBeGreaterThanOrEqual(before);
          }
        }
      }),
      RUNS,
    );
  });

  it('(f) advance then previous returns to the same current (and the same upcoming)', () => {
    fc.assert(
      fc.property(
        opsArb,
        fc.constantFrom(1, 3, 50),
        fc.constantFrom('finished' as const, 'skipped' as const),
        (ops, historyLimit, reason) => {
          const q = new Queue({ historyLimit, rng: seeded(1) });
          for (const op of ops) apply(q, op);
          const current = q.current;
          // Loop 'track' + 'finished' does not move, so previous would (rightly) go further back.
          fc.pre(current !== null && !(q.loop === 'track' && reason === 'finished'));
          const before = q.snapshot();
          q.advance(reason);
          expect(q.previous()).toBe(current);
          expect(q.current).toBe(current);
          expect(q.upcoming).toEqual(before.upcoming);
          if (before.history.length < historyLimit) expect(q.snapshot()).toStrictEqual(before);
        },
      ),
      RUNS,
    );
  });
});
