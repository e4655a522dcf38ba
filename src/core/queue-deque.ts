/**
 * A growable double-ended sequence backing the queue's `upcoming` list and its history.
 *
 * Why not a plain array: the queue advances by taking from the front, and `Array.prototype.shift` is O(n), so
 * playing through a 10,000-track queue would be quadratic. Here the live elements sit in `slots[head..]`:
 * taking from the front only moves `head`, and the dead prefix is dropped once it is large compared with the
 * live part, so every end operation is O(1) amortised and the backing array stays O(length).
 *
 * Invariants:
 * - `slots.length === head + length` (nothing lives after the last element).
 * - Slots before `head` hold `undefined` (popped elements are released for the garbage collector).
 * - After any operation, dead slots exceed `max(COMPACT_MIN, 2 * length)` only transiently (see `compact`),
 *   and a reserved front gap (for `pushFront`) is at most `max(FRONT_GAP_MIN, length)` slots.
 */

const COMPACT_MIN = 32;
const FRONT_GAP_MIN = 8;

export class Deque<T> {
  private slots: (T | undefined)[] = [];
  private head = 0;

  constructor(items: Iterable<T> = []) {
    this.slots = [...items];
  }

  /** Number of live elements. */
  get length(): number {
    return this.slots.length - this.head;
  }

  /** Size of the backing array (live plus dead slots); exposed so tests can check that storage stays bounded. */
  get capacity(): number {
    return this.slots.length;
  }

  /** The element at a 0-based index, or `undefined` when out of range (no negative indices). */
  at(index: number): T | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) return undefined;
    return this.slots[this.head + index];
  }

  /** Replaces the element at a 0-based index that must be in range. */
  set(index: number, value: T): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) throw new RangeError(`index ${index}`);
    this.slots[this.head + index] = value;
  }

  pushBack(value: T): void {
    this.slots.push(value);
  }

  /** O(1) amortised: when no gap is left at the front, one is reserved proportional to the length. */
  pushFront(value: T): void {
    if (this.head === 0) {
      const gap = Math.max(FRONT_GAP_MIN, this.length);
      this.slots = [...new Array<T | undefined>(gap).fill(undefined), ...this.slots];
      this.head = gap;
    }
    this.head -= 1;
    this.slots[this.head] = value;
  }

  popFront(): T | undefined {
    if (this.length === 0) return undefined;
    const value = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head += 1;
    this.compact();
    return value;
  }

  popBack(): T | undefined {
    if (this.length === 0) return undefined;
    const value = this.slots.pop();
    this.compact();
    return value;
  }

  /** Inserts one element before the element at a 0-based index (`index === length` appends). O(n). */
  insert(index: number, value: T): void {
    if (index === 0) this.pushFront(value);
    else this.slots.splice(this.head + index, 0, value);
  }

  /** Removes and returns `count` elements starting at a 0-based index that the caller has validated. O(n). */
  removeRange(start: number, count: number): T[] {
    const removed = this.slots.splice(this.head + start, count) as T[];
    this.compact();
    return removed;
  }

  /** Removes every element matching the predicate, keeping the order of the others; returns the removed. */
  removeWhere(predicate: (value: T) => boolean): T[] {
    const kept: T[] = [];
    const removed: T[] = [];
    for (const value of this) (predicate(value) ? removed : kept).push(value);
    if (removed.length > 0) {
      this.slots = kept;
      this.head = 0;
    }
    return removed;
  }

  clear(): T[] {
    const removed = this.toArray();
    this.slots = [];
    this.head = 0;
    return removed;
  }

  toArray(): T[] {
    return this.slots.slice(this.head) as T[];
  }

  *[Symbol.iterator](): IterableIterator<T> {
    // Like arrays, iteration is not meant to survive mutation of the deque.
    for (let i = 0; i < this.length; i += 1) yield this.slots[this.head + i] as T;
  }

  /**
   * Drops the dead prefix once it exceeds both a small constant and twice the live part. The copy costs
   * O(length), which is paid for by the at least `length / 3` front removals that created the dead prefix,
   * so front removal stays O(1) amortised.
   */
  private compact(): void {
    if (this.length === 0) {
      this.slots = [];
      this.head = 0;
      return;
    }
    if (this.head > COMPACT_MIN && this.head > 2 * this.length) {
      this.slots = this.slots.slice(this.head);
      this.head = 0;
    }
  }
}
