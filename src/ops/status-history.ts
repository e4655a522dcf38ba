import type { Clock, TimerHandle } from '../ports/clock.js';
import type { FrameTotals } from './metrics.js';

/** One minute of playback as the history keeps it: frames sent and owed in that minute. */
export interface MinuteSample {
  /** Epoch ms at the end of the minute. */
  readonly at: number;
  readonly sent: number;
  readonly late: number;
  readonly missing: number;
  /** CPU seconds the bot process used in that minute (user + system). */
  readonly cpuSeconds: number;
}

export interface FrameHistoryOptions {
  readonly clock: Clock;
  readonly totals: () => FrameTotals;
  /** Cumulative CPU seconds of this process (default: process.cpuUsage()). */
  readonly cpuSeconds?: () => number;
  /** Samples kept (default 60: the last hour). */
  readonly capacity?: number;
  /** Default one minute. */
  readonly intervalMs?: number;
}

export interface WindowSummary extends Omit<MinuteSample, 'at'> {
  /** Wall-clock ms the summary covers (less than asked while the process is young). */
  readonly spanMs: number;
}

const processCpu = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/**
 * A ring buffer of per-minute samples of the frame counters, so `/status` can show the last hour without a
 * Prometheus. Invariants: at most `capacity` samples (constant memory); each sample is the difference of the
 * cumulative totals at its two ends, so no frame is counted twice or lost between samples; one timer, on the
 * injected clock, unref'd.
 */
export class FrameHistory {
  private readonly ring: MinuteSample[] = [];
  private readonly capacity: number;
  private readonly intervalMs: number;
  private readonly cpu: () => number;
  private last: { at: number; totals: FrameTotals; cpu: number };
  private timer: TimerHandle | undefined;

  constructor(private readonly options: FrameHistoryOptions) {
    this.capacity = Math.max(1, options.capacity ?? 60);
    this.intervalMs = options.intervalMs ?? 60_000;
    this.cpu = options.cpuSeconds ?? processCpu;
    this.last = { at: options.clock.now(), totals: options.totals(), cpu: this.cpu() };
  }

  start(): void {
    if (this.timer) return;
    const tick = (): void => {
      this.sample();
      this.timer = this.options.clock.setTimeout(tick, this.intervalMs);
      this.timer.unref?.();
    };
    this.timer = this.options.clock.setTimeout(tick, this.intervalMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Closes the current minute (the timer calls this). */
  sample(): MinuteSample {
    const now = this.options.clock.now();
    const sample = { at: now, ...this.sinceLast() };
    this.ring.push(sample);
    if (this.ring.length > this.capacity) this.ring.shift();
    this.last = { at: now, totals: this.options.totals(), cpu: this.cpu() };
    return sample;
  }

  /** Oldest first. */
  samples(): readonly MinuteSample[] {
    return [...this.ring];
  }

  /** Totals over the last `ms` (whole samples inside it, plus the minute in progress). */
  window(ms: number): WindowSummary {
    const now = this.options.clock.now();
    const open = this.sinceLast();
    let from = this.last.at;
    const sum = { sent: open.sent, late: open.late, missing: open.missing, cpuSeconds: open.cpuSeconds };
    for (let i = this.ring.length - 1; i >= 0; i--) {
      const s = this.ring[i];
      if (!s) continue;
      const start = this.ring[i - 1]?.at ?? s.at - this.intervalMs;
      if (start < now - ms - 1) break;
      sum.sent += s.sent;
      sum.late += s.late;
      sum.missing += s.missing;
      sum.cpuSeconds += s.cpuSeconds;
      from = start;
    }
    return { ...sum, spanMs: Math.max(0, now - from) };
  }

  private sinceLast(): Omit<MinuteSample, 'at'> {
    const t = this.options.totals();
    return {
      sent: t.sent - this.last.totals.sent,
      late: t.late - this.last.totals.late,
      missing: t.missing - this.last.totals.missing,
      cpuSeconds: Math.max(0, this.cpu() - this.last.cpu),
    };
  }
}
