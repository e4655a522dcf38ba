/** Shared builders and assertions for the queue's example tests. */
import { expect } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { Queue } from '../../src/core/queue.js';
import type { QueuedTrack, Requester, Track } from '../../src/core/track.js';

export const alice: Requester = { id: 'u-alice', name: 'Alice' };
export const bob: Requester = { id: 'u-bob', name: 'Bob' };

export const track = (name: string, durationMs: number | null = 1000): Track => ({
  id: `http:${name}`,
  source: 'http',
  title: name,
  url: `https://example.com/${name}.mp3`,
  durationMs,
});

/** A queue holding the named tracks, in order, all upcoming (nothing current). */
export const queueOf = (names: string[], options = {}): Queue => {
  const queue = new Queue(options);
  queue.add(
    names.map((n) => track(n)),
    alice,
    1_000,
  );
  return queue;
};

/** A queue whose current is `names[0]` and upcoming the rest. */
export const playing = (names: string[], options = {}): Queue => {
  const queue = queueOf(names, options);
  queue.advance('finished');
  return queue;
};

export const titles = (entries: Iterable<QueuedTrack>): string[] => [...entries].map((e) => e.title);
export const state = (q: Queue) => ({
  current: q.current?.title ?? null,
  upcoming: titles(q.upcoming),
  history: titles(q.history),
});

export const expectUserError = (fn: () => unknown, code: string, message?: string): void => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe(code);
    if (message !== undefined) expect((error as UserError).message).toContain(message);
    return;
  }
  throw new Error('expected a UserError');
};
