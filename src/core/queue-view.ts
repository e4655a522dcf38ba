/**
 * The read side of the queue and the bookkeeping its mutations share. `Queue` (queue.ts) extends this with
 * the operations; the split only keeps each file readable. See queue.ts for the model and its invariants.
 */

import { UserError } from './errors.js';
import { Deque } from './queue-deque.js';
import { QUEUE_SNAPSHOT_VERSION } from './queue-snapshot.js';
import type { LoopMode, QueueSnapshot } from './queue-snapshot.js';
import type { QueuedTrack } from './track.js';

export interface QueueOptions {
  /** Uniform in [0, 1); used only by `shuffle`. Default `Math.random`. */
  readonly rng?: () => number;
  /** How many past entries `previous` can go back through. Default 50; 0 disables history. */
  readonly historyLimit?: number;
  /** First entry id to hand out. Default 1. Ignored by `restore`, which uses the snapshot's. */
  readonly nextEntryId?: number;
}

export const DEFAULT_HISTORY_LIMIT = 50;

const plural = (n: number): string => (n === 1 ? '1 track' : `${n} tracks`);

export abstract class QueueView implements Iterable<QueuedTrack> {
  readonly historyLimit: number;
  protected readonly rng: () => number;
  protected nextId: number;
  protected currentEntry: QueuedTrack | null = null;
  protected readonly upcomingEntries = new Deque<QueuedTrack>();
  protected readonly past = new Deque<QueuedTrack>();
  protected loopMode: LoopMode = 'off';
  /** `Track.id` → number of live entries with it, so `has` is O(1) when deduplicating big playlists. */
  protected readonly liveTrackIds = new Map<string, number>();

  constructor(options: QueueOptions = {}) {
    const { rng = Math.random, historyLimit = DEFAULT_HISTORY_LIMIT, nextEntryId = 1 } = options;
    if (!Number.isSafeInteger(historyLimit) || historyLimit < 0) throw new RangeError(`historyLimit ${historyLimit}`);
    if (!Number.isSafeInteger(nextEntryId) || nextEntryId < 1) throw new RangeError(`nextEntryId ${nextEntryId}`);
    this.rng = rng;
    this.historyLimit = historyLimit;
    this.nextId = nextEntryId;
  }

  get current(): QueuedTrack | null {
    return this.currentEntry;
  }

  /** A frozen copy of upcoming (O(n)); prefer `at`, `slice` or iteration for large queues. */
  get upcoming(): readonly QueuedTrack[] {
    return Object.freeze(this.upcomingEntries.toArray());
  }

  /** A frozen copy of the history, oldest first, most recent last. */
  get history(): readonly QueuedTrack[] {
    return Object.freeze(this.past.toArray());
  }

  /** Number of upcoming entries (the current one is not counted). */
  get length(): number {
    return this.upcomingEntries.length;
  }

  /** True when nothing is playing and nothing is upcoming (history may still allow `previous`). */
  get isEmpty(): boolean {
    return this.currentEntry === null && this.upcomingEntries.length === 0;
  }

  /** The id the next added entry will get. */
  get nextEntryId(): number {
    return this.nextId;
  }

  /** Sum of the known durations of upcoming entries; live streams and unknown lengths count as 0. */
  get totalDurationMs(): number {
    let total = 0;
    for (const entry of this.upcomingEntries) total += entry.durationMs ?? 0;
    return total;
  }

  /** The upcoming entry at a 0-based index, or `undefined`. */
  at(index: number): QueuedTrack | undefined {
    return this.upcomingEntries.at(index);
  }

  /** Upcoming entries in [start, end) (0-based, clamped, no negative indices), e.g. for one `/queue` page. */
  slice(start = 0, end = this.length): QueuedTrack[] {
    const result: QueuedTrack[] = [];
    const stop = Math.min(end, this.length);
    for (let i = Math.max(0, start); i < stop; i += 1) result.push(this.upcomingEntries.at(i) as QueuedTrack);
    return result;
  }

  /** Iterates upcoming entries in play order. Do not mutate the queue while iterating. */
  [Symbol.iterator](): Iterator<QueuedTrack> {
    return this.upcomingEntries[Symbol.iterator]();
  }

  /** The first live entry (current, then upcoming in order) matching the predicate, or `null`. */
  find(predicate: (entry: QueuedTrack) => boolean): QueuedTrack | null {
    if (this.currentEntry !== null && predicate(this.currentEntry)) return this.currentEntry;
    for (const entry of this.upcomingEntries) if (predicate(entry)) return entry;
    return null;
  }

  /** The 1-based upcoming position of an entry, or `null` if it is not upcoming. */
  positionOf(entryId: number): number | null {
    let position = 1;
    for (const entry of this.upcomingEntries) {
      if (entry.entryId === entryId) return position;
      position += 1;
    }
    return null;
  }

  /** Whether a live entry (current or upcoming) has this `Track.id`, for deduplication. O(1). */
  has(trackId: string): boolean {
    return this.liveTrackIds.has(trackId);
  }

  /** How many live entries (current and upcoming) this user requested, e.g. for per-user limits. */
  countBy(requesterId: string): number {
    let count = this.currentEntry?.requester.id === requesterId ? 1 : 0;
    for (const entry of this.upcomingEntries) if (entry.requester.id === requesterId) count += 1;
    return count;
  }

  /** Plain JSON-serialisable state; entries are shared frozen objects, lists are fresh arrays. */
  snapshot(): QueueSnapshot {
    return {
      version: QUEUE_SNAPSHOT_VERSION,
      current: this.currentEntry,
      upcoming: this.upcomingEntries.toArray(),
      history: this.past.toArray(),
      loop: this.loopMode,
      nextEntryId: this.nextId,
    };
  }

  /** Appends to history, dropping the oldest entries beyond `historyLimit`. */
  protected pushHistory(entry: QueuedTrack): void {
    if (this.historyLimit === 0) return;
    this.past.pushBack(entry);
    while (this.past.length > this.historyLimit) this.past.popFront();
  }

  /** Validates a 1-based upcoming position and returns its 0-based index (throws `UserError`). */
  protected index(position: number): number {
    const n = this.length;
    if (n === 0) throw new UserError('QUEUE_EMPTY');
    if (!Number.isInteger(position) || position < 1 || position > n) {
      throw new UserError('QUEUE_POSITION_OUT_OF_RANGE', { count: plural(n), range: n === 1 ? '1' : `1-${n}` });
    }
    return position - 1;
  }

  /** Records that an entry became live (current or upcoming). */
  protected enter(entry: QueuedTrack): QueuedTrack {
    this.liveTrackIds.set(entry.id, (this.liveTrackIds.get(entry.id) ?? 0) + 1);
    return entry;
  }

  /** Records that an entry stopped being live (removed, or moved to history). */
  protected leave(entry: QueuedTrack): void {
    const count = (this.liveTrackIds.get(entry.id) ?? 0) - 1;
    if (count > 0) this.liveTrackIds.set(entry.id, count);
    else this.liveTrackIds.delete(entry.id);
  }
}
