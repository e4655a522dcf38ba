import type { Clock, TimerHandle } from '../ports/clock.js';
import type { SerialRunner } from './serial.js';

/** Tracks failing in a row after which the session stops (with one summary message) instead of going on. */
export const MAX_FAILURE_RUN = 5;
/** Pause before the track after a failed one starts: 100 ms, doubling per failure in the run (bounded). */
export const failureBackoffMs = (run: number): number => Math.min(2_000, 100 * 2 ** Math.max(0, run - 1));

export interface FailureRunDeps {
  readonly clock: Clock;
  readonly serial: SerialRunner;
  /** Whether the session is still where the failure left it (a /skip or /stop meanwhile wins). */
  readonly unchangedSince: (token: unknown) => boolean;
}

/**
 * What happens after a track fails: never the next one synchronously (a queue whose entries all fail at once
 * must not spin the event loop), but after a back-off that grows with the run; after MAX_FAILURE_RUN in a
 * row, `stop` instead. State: `idle` or `backingOff` with its timer; at most one pending start.
 */
export class FailureRun {
  private state: { readonly status: 'idle' } | { readonly status: 'backingOff'; readonly timer: TimerHandle } = {
    status: 'idle',
  };

  constructor(private readonly deps: FailureRunDeps) {}

  /**
   * `count` failures in a row so far; `token` identifies the session state the failure left. Calls `stop`
   * at the end of a run, else `advance` now when nothing is queued (nothing to spin on) or after the
   * back-off (in the serial runner, and only if the state is still `token`).
   */
  after(count: number, token: unknown, actions: { stop(): void; advance(): void; queued: boolean }): void {
    this.cancel();
    if (count >= MAX_FAILURE_RUN) return actions.stop();
    if (!actions.queued) return actions.advance();
    const timer = this.deps.clock.setTimeout(() => {
      this.state = { status: 'idle' };
      void this.deps.serial.run(() => {
        if (this.deps.unchangedSince(token)) actions.advance();
      });
    }, failureBackoffMs(count));
    timer.unref?.();
    this.state = { status: 'backingOff', timer };
  }

  /** The session ended: no pending start. */
  cancel(): void {
    if (this.state.status === 'backingOff') this.deps.clock.clearTimeout(this.state.timer);
    this.state = { status: 'idle' };
  }
}
