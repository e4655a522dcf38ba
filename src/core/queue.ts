/**
 * The per-guild play queue, as a pure data structure: no Discord, no I/O, no timers, no clock, no global
 * randomness (`now` is passed in and `rng` is injected), so every rule here is unit- and property-testable
 * and a queue can be persisted and restored exactly. The session drives it and does the playing.
 *
 * Vocabulary: `current` is the entry playing (or paused); `upcoming` is what plays next, in order; `history`
 * is what was played or skipped, most recent last, for `/previous`. "Live" entries are current + upcoming.
 *
 * Invariants (property-tested in test/unit/queue.property.test.ts):
 * - An entry (by `entryId`) is in at most one place among current, upcoming and history, and ids are never
 *   reused: every id is below `nextEntryId`, which only grows (even across `reset`).
 * - Only `add`/`addNow` create entries. Entries leave only through the explicit removals (which return what
 *   they removed), `reset`, or falling off the far end of the bounded history (`historyLimit`).
 * - `move` and `shuffle` permute upcoming; nothing else changes.
 * - An operation that throws changes nothing.
 * - Advancing and going back are O(1) amortised (see `Deque`); positional edits are O(n).
 *
 * Positions and errors: commands take 1-based positions into upcoming, as users see them in `/queue`;
 * the array-like accessors `at` and `slice` are 0-based, like arrays. A position (or count) outside the
 * valid range throws `UserError('INVALID_ARGUMENT')` with a detail such as "The queue has 4 tracks; pick 1-4.";
 * a positional command on an empty upcoming list throws `UserError('QUEUE_EMPTY')`. Having nothing to act on
 * is not an error: `advance`, `previous` and `skip` report it by returning `null` / an empty result.
 * Programmer errors (bad options, corrupt snapshots) throw `RangeError` / `TypeError`.
 *
 * Layout: read-only accessors and queries (`current`, `upcoming`, `history`, `at`, `find`, `has`, `countBy`,
 * `snapshot`...) are in `QueueView` (queue-view.ts), storage in `Deque`, entries and snapshots in
 * queue-snapshot.ts; this file holds the operations.
 */

import { UserError } from './errors.js';
import { checkSnapshot, copyEntry, createEntry, isLoopMode } from './queue-snapshot.js';
import type { LoopMode, QueueSnapshot } from './queue-snapshot.js';
import { QueueView } from './queue-view.js';
import type { QueueOptions } from './queue-view.js';
import type { QueuedTrack, Requester, Track } from './track.js';

export { LOOP_MODES, QUEUE_SNAPSHOT_VERSION, isLoopMode } from './queue-snapshot.js';
export type { LoopMode, QueueSnapshot } from './queue-snapshot.js';
export { DEFAULT_HISTORY_LIMIT } from './queue-view.js';
export type { QueueOptions } from './queue-view.js';

/** `failed`: the current entry could not be played; it goes to history even in loop `queue` (never re-queued). */
export type AdvanceReason = 'finished' | 'skipped' | 'failed';
export type AddPosition = 'end' | 'next';

export interface SkipResult {
  /** The entries skipped, in the order they were skipped (the old current first). */
  readonly skipped: readonly QueuedTrack[];
  /** The entry that must start now, or `null` if the queue ran out. */
  readonly current: QueuedTrack | null;
}

export interface AddNowResult {
  readonly added: readonly QueuedTrack[];
  /** The entry that must start now (the first added one, if any were given). */
  readonly current: QueuedTrack | null;
}

export class Queue extends QueueView {
  get loop(): LoopMode {
    return this.loopMode;
  }

  set loop(mode: LoopMode) {
    if (!isLoopMode(mode)) throw new UserError('BAD_LOOP_MODE');
    this.loopMode = mode;
  }

  /**
   * Queues tracks for `requester`, in the given order, at the end or right after the current entry. Each gets
   * the next entry id (increasing) and `addedAt = now`. Returns the new entries.
   */
  add(tracks: readonly Track[], requester: Requester, now: number, position: AddPosition = 'end'): QueuedTrack[] {
    if (position !== 'end' && position !== 'next') throw new UserError('BAD_ADD_POSITION');
    const added = tracks.map((track) => createEntry(track, this.nextId++, requester, now));
    if (position === 'end') for (const entry of added) this.upcomingEntries.pushBack(entry);
    else for (let i = added.length - 1; i >= 0; i -= 1) this.upcomingEntries.pushFront(added[i] as QueuedTrack);
    for (const entry of added) this.enter(entry);
    return added;
  }

  /** "Play now": adds at `next` then skips the current entry (as `advance('skipped')` would). */
  addNow(tracks: readonly Track[], requester: Requester, now: number): AddNowResult {
    const added = this.add(tracks, requester, now, 'next');
    const current = added.length > 0 ? this.advance('skipped') : this.currentEntry;
    return { added, current };
  }

  /**
   * Moves on after the current entry ended (`finished`) or was skipped, and returns the entry that must start
   * now (`null`: the queue ran out). With nothing current it just takes the first upcoming entry.
   * - `off`: the old current goes to history.
   * - `track`: on `finished` the same entry (same `entryId`) stays current and history is not touched, so
   *   a looping track fills no history; on `skipped` it behaves like `off`.
   * - `queue`: the old current is appended to upcoming (same entry, same id) instead of entering history, so
   *   current + upcoming never shrinks and a single entry repeats.
   */
  /** What `advance('finished')` would make current, without changing anything (for preloading it). */
  peekNext(): QueuedTrack | null {
    const current = this.current;
    if (current !== null && this.loop === 'track') return current;
    return this.at(0) ?? (this.loop === 'queue' ? current : null);
  }

  advance(reason: AdvanceReason): QueuedTrack | null {
    const old = this.currentEntry;
    if (old !== null && reason === 'finished' && this.loopMode === 'track') return old;
    if (old !== null) this.retire(old, reason);
    this.currentEntry = this.upcomingEntries.popFront() ?? null;
    return this.currentEntry;
  }

  /** Ends the current entry as failed and leaves nothing current; upcoming entries stay (playback stopped). */
  park(): void {
    const old = this.currentEntry;
    if (old !== null) this.retire(old, 'failed');
    this.currentEntry = null;
  }

  /**
   * Skips the current entry and `count - 1` more, i.e. `count` times `advance('skipped')`: skipped entries go
   * to history (`off`/`track`) or to the end of upcoming (`queue`); they are not dropped. `count` must be in
   * 1..length + 1 (skipping everything ends the queue). Nothing current: returns an empty result.
   */
  skip(count = 1): SkipResult {
    if (this.currentEntry === null) return { skipped: [], current: null };
    const max = this.length + 1;
    if (!Number.isInteger(count) || count < 1 || count > max) {
      throw new UserError('SKIP_COUNT_OUT_OF_RANGE', { range: max === 1 ? 'only 1 track' : `1-${max} tracks` });
    }
    return this.advanceTimes(count);
  }

  /** Jumps to the entry at a 1-based upcoming position; it and those before it are skipped as by `skip`. */
  skipTo(position: number): SkipResult {
    return this.advanceTimes(this.index(position) + 1);
  }

  /**
   * Goes back one entry and returns the new current, or `null` (nothing changed) when there is nothing to go
   * back to. Normally the most recent history entry becomes current and the old current goes back to the
   * front of upcoming, so `advance` then `previous` restores the same current. In loop `queue` with something
   * current, the queue is a circle and history is not used: the last upcoming entry (the one `advance` moved
   * there) becomes current; with no upcoming entries the current one is returned, to be replayed.
   */
  previous(): QueuedTrack | null {
    const old = this.currentEntry;
    if (old !== null && this.loopMode === 'queue') {
      const last = this.upcomingEntries.popBack();
      if (last === undefined) return old;
      this.upcomingEntries.pushFront(old);
      this.currentEntry = last;
      return last;
    }
    const back = this.past.popBack();
    if (back === undefined) return null;
    if (old !== null) this.upcomingEntries.pushFront(old);
    this.enter(back);
    this.currentEntry = back;
    return back;
  }

  /** Removes (drops, not to history) the entry at a 1-based upcoming position and returns it. */
  remove(position: number): QueuedTrack {
    return this.removeAt(this.index(position), 1)[0] as QueuedTrack;
  }

  /** Removes positions `from`..`to` (1-based, inclusive, `from <= to`) and returns them in order. */
  removeRange(from: number, to: number): QueuedTrack[] {
    const start = this.index(from);
    const end = this.index(to);
    if (start > end) {
      throw new UserError('QUEUE_RANGE_REVERSED', { from, to });
    }
    return this.removeAt(start, end - start + 1);
  }

  /** Removes every upcoming entry matching the predicate (e.g. one requester's) and returns them in order. */
  removeWhere(predicate: (entry: QueuedTrack) => boolean): QueuedTrack[] {
    const removed = this.upcomingEntries.removeWhere(predicate);
    for (const entry of removed) this.leave(entry);
    return removed;
  }

  /** Moves the entry at `from` so that it ends up at `to` (both 1-based upcoming positions); returns it. */
  move(from: number, to: number): QueuedTrack {
    const source = this.index(from);
    const target = this.index(to);
    const [entry] = this.upcomingEntries.removeRange(source, 1) as [QueuedTrack];
    this.upcomingEntries.insert(target, entry);
    return entry;
  }

  /** Shuffles upcoming only (uniform Fisher-Yates driven by the injected rng). */
  shuffle(): void {
    for (let i = this.length - 1; i > 0; i -= 1) {
      // Clamped so a non-conforming rng (returning 1 or a negative) cannot index out of range.
      const j = Math.min(i, Math.max(0, Math.floor(this.rng() * (i + 1))));
      const a = this.upcomingEntries.at(i) as QueuedTrack;
      this.upcomingEntries.set(i, this.upcomingEntries.at(j) as QueuedTrack);
      this.upcomingEntries.set(j, a);
    }
  }

  /** Removes all upcoming entries (current and history stay) and returns them. */
  clear(): QueuedTrack[] {
    const removed = this.upcomingEntries.clear();
    for (const entry of removed) this.leave(entry);
    return removed;
  }

  /** Forgets everything: current, upcoming, history, and loop back to `off`. Entry ids are still not reused. */
  reset(): void {
    this.currentEntry = null;
    this.upcomingEntries.clear();
    this.past.clear();
    this.liveTrackIds.clear();
    this.loopMode = 'off';
  }

  /**
   * Rebuilds a queue from `snapshot()` output (possibly via JSON). Exact round trip with the same
   * `historyLimit`; a smaller limit keeps only the most recent history. Throws `TypeError` if corrupt.
   */
  static restore(snapshot: QueueSnapshot, options: QueueOptions = {}): Queue {
    checkSnapshot(snapshot);
    const queue = new Queue({ ...options, nextEntryId: snapshot.nextEntryId });
    queue.loopMode = snapshot.loop;
    if (snapshot.current !== null) queue.currentEntry = queue.enter(copyEntry(snapshot.current));
    for (const entry of snapshot.upcoming) queue.upcomingEntries.pushBack(queue.enter(copyEntry(entry)));
    for (const entry of snapshot.history) queue.pushHistory(copyEntry(entry));
    return queue;
  }

  private advanceTimes(count: number): SkipResult {
    const skipped: QueuedTrack[] = [];
    for (let i = 0; i < count; i += 1) {
      if (this.currentEntry !== null) skipped.push(this.currentEntry);
      this.advance('skipped');
    }
    return { skipped, current: this.currentEntry };
  }

  /** Where an ended current entry goes: history, or (loop `queue`) back to the end of upcoming. */
  private retire(entry: QueuedTrack, reason: AdvanceReason = 'skipped'): void {
    if (this.loopMode === 'queue' && reason !== 'failed') {
      this.upcomingEntries.pushBack(entry);
      return;
    }
    this.leave(entry);
    this.pushHistory(entry);
  }

  private removeAt(start: number, count: number): QueuedTrack[] {
    const removed = this.upcomingEntries.removeRange(start, count);
    for (const entry of removed) this.leave(entry);
    return removed;
  }
}
