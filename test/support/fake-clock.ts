import type { Clock, TimerHandle } from '../../src/ports/clock.js';

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

/**
 * A manual clock for tests: time moves only through `advance`, and due timers fire in deadline order
 * (ties in creation order). `advance` is async so promise chains woken by a timer settle before the
 * next timer fires, which is how real timers interleave with microtasks.
 */
export class FakeClock implements Clock {
  private current: number;
  private nextId = 1;
  private timers: Timer[] = [];

  constructor(start = 1_700_000_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: Timer = { id: this.nextId++, at: this.current + Math.max(0, ms), fn };
    this.timers.push(timer);
    return { id: timer.id } as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    const id = (handle as { id?: number }).id;
    this.timers = this.timers.filter((t) => t.id !== id);
  }

  /** Number of timers not yet fired or cleared. */
  pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await flush();
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t.id !== due.id);
      this.current = due.at;
      due.fn();
      await flush();
    }
    this.current = target;
    await flush();
  }

  /** Sets the time without firing timers (for pure expiry checks). */
  set(now: number): void {
    this.current = now;
  }
}

/** Lets every pending promise reaction run (a macrotask boundary drains the microtask queue). */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
