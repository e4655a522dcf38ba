import type { Queue as QueueType, QueueOptions } from '../../src/core/queue.js';
import type { Track } from '../../src/core/track.js';
import { round } from '../lib/stats.js';

export interface QueueOpsResult {
  size: number;
  /** Operations per second, each measured on a queue of at least `size` upcoming tracks. */
  addPerSec: number;
  shufflePerSec: number;
  movePerSec: number;
  removePerSec: number;
  /** One snapshot() + JSON.stringify of the whole queue (what persistence does on every change), ms. */
  snapshotMs: number;
  restoreMs: number;
}

type QueueCtor = { new (options?: QueueOptions): QueueType; restore(snapshot: unknown): QueueType };

/** Pure, in-process: the compiled queue (dist/core/queue.js) at `size` tracks; the median of `runs` runs. */
export async function runQueueOps(size: number, runs = 5): Promise<QueueOpsResult> {
  const all: QueueOpsResult[] = [];
  for (let i = 0; i < runs; i += 1) all.push(await runQueueOpsOnce(size));
  const median = (key: Exclude<keyof QueueOpsResult, 'size'>) =>
    all.map((r) => r[key]).sort((a, b) => a - b)[Math.floor(runs / 2)]!;
  return {
    size,
    addPerSec: median('addPerSec'),
    shufflePerSec: median('shufflePerSec'),
    movePerSec: median('movePerSec'),
    removePerSec: median('removePerSec'),
    snapshotMs: median('snapshotMs'),
    restoreMs: median('restoreMs'),
  };
}

async function runQueueOpsOnce(size: number): Promise<QueueOpsResult> {
  const { Queue } = (await import(new URL('../../dist/core/queue.js', import.meta.url).href)) as { Queue: QueueCtor };
  const requester = { id: '1', name: 'bench' };
  const track = (i: number): Track => ({
    id: `http:https://example.invalid/${i}.ogg`,
    source: 'http',
    title: `Track ${i}`,
    url: `https://example.invalid/${i}.ogg`,
    durationMs: 180_000,
  });
  const tracks = Array.from({ length: size * 2 }, (_, i) => track(i));
  // mulberry32: a deterministic, well-spread sequence (integer math, so no floating-point collapse).
  let seed = 42;
  const rng = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const pick = (n: number) => 1 + Math.floor(rng() * n);
  const rate = (ops: number, ms: number) => round((ops / ms) * 1000, 0);

  // add: one track at a time until `size` (what /play does per track).
  const q = new Queue({ rng });
  let t = performance.now();
  for (let i = 0; i < size; i += 1) q.add([tracks[i]!], requester, 0);
  const addPerSec = rate(size, performance.now() - t);

  const shuffles = 200;
  t = performance.now();
  for (let i = 0; i < shuffles; i += 1) q.shuffle();
  const shufflePerSec = rate(shuffles, performance.now() - t);

  const moves = 20_000;
  t = performance.now();
  for (let i = 0; i < moves; i += 1) q.move(pick(size), pick(size));
  const movePerSec = rate(moves, performance.now() - t);

  // remove: from 2×size down to size, so every removal happens on at least `size` tracks.
  q.add(tracks.slice(size), requester, 0);
  t = performance.now();
  for (let i = 0; i < size; i += 1) q.remove(pick(q.length));
  const removePerSec = rate(size, performance.now() - t);

  t = performance.now();
  const json = JSON.stringify(q.snapshot());
  const snapshotMs = round(performance.now() - t, 2);
  t = performance.now();
  Queue.restore(JSON.parse(json));
  const restoreMs = round(performance.now() - t, 2);
  return { size, addPerSec, shufflePerSec, movePerSec, removePerSec, snapshotMs, restoreMs };
}
