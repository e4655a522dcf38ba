import { activityChannel, type Activity } from '../core/activity.js';
import type { Logger } from '../ports/logger.js';

export interface LoopWatchdogOptions {
  readonly logger: Logger;
  /** A tick this much later than due is a stall worth logging (default 200 ms). */
  readonly thresholdMs?: number;
  /** How often the loop is sampled (default 100 ms). */
  readonly intervalMs?: number;
  /** Monotonic milliseconds (default performance.now). */
  readonly now?: () => number;
}

interface Longest {
  readonly label: string;
  readonly ms: number;
}

/**
 * Logs every event-loop stall over the threshold with the phase that held the loop longest since the last
 * tick (phases are marked with `traced`, see core/activity.ts), so the next blocking defect names itself.
 * `/metrics` already shows the delay distribution; this says what caused the worst of it.
 * State: stopped ⇄ running; a phase stack (phases may nest) and the longest finished phase of the interval.
 */
export class LoopWatchdog {
  private readonly thresholdMs: number;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private state:
    | { readonly kind: 'stopped' }
    | { readonly kind: 'running'; readonly timer: NodeJS.Timeout; last: number } = { kind: 'stopped' };
  private readonly open: { label: string; at: number }[] = [];
  private longest: Longest | undefined;
  private stalls = 0;

  constructor(private readonly options: LoopWatchdogOptions) {
    this.thresholdMs = options.thresholdMs ?? 200;
    this.intervalMs = options.intervalMs ?? 100;
    this.now = options.now ?? (() => performance.now());
  }

  /** Stalls logged so far. */
  get stallCount(): number {
    return this.stalls;
  }

  start(): void {
    if (this.state.kind === 'running') return;
    activityChannel.subscribe(this.handlers);
    const timer = setInterval(() => this.tick(), this.intervalMs);
    timer.unref();
    this.state = { kind: 'running', timer, last: this.now() };
  }

  stop(): void {
    if (this.state.kind !== 'running') return;
    clearInterval(this.state.timer);
    activityChannel.unsubscribe(this.handlers);
    this.state = { kind: 'stopped' };
  }

  /** One sample: how late this tick is, and which phase to blame if it is late enough. */
  tick(): void {
    if (this.state.kind !== 'running') return;
    const now = this.now();
    const lateMs = now - this.state.last - this.intervalMs;
    this.state.last = now;
    const innermost = this.open.at(-1);
    const blamed = this.longest ?? (innermost ? { label: innermost.label, ms: now - innermost.at } : undefined);
    this.longest = undefined;
    if (lateMs < this.thresholdMs) return;
    this.stalls++;
    this.options.logger.warn(
      {
        stallMs: Math.round(lateMs),
        phase: blamed?.label ?? 'unmarked',
        phaseMs: blamed ? Math.round(blamed.ms) : undefined,
      },
      'event loop stalled',
    );
  }

  private readonly handlers = {
    start: (message: Activity) => void this.open.push({ label: message.label, at: this.now() }),
    end: () => {
      const phase = this.open.pop();
      if (!phase) return;
      const ms = this.now() - phase.at;
      if (!this.longest || ms > this.longest.ms) this.longest = { label: phase.label, ms };
    },
    asyncStart: () => undefined,
    asyncEnd: () => undefined,
    error: () => undefined,
  };
}
