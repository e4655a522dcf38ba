/**
 * A bounded pool that runs resolution jobs (yt-dlp calls, HTTP probes) so that a burst of work — a
 * 1,000-track playlist filling in — can never starve the query a user just typed.
 *
 * Invariants:
 * - at most `concurrency` attempts run at once; a job waiting out a retry back-off holds no slot;
 * - `interactive` jobs always start before `background` ones; FIFO within a priority (a retried job goes
 *   back to the front of its priority, since it has waited longest);
 * - every submitted promise settles exactly once: resolved, rejected with the job's error, with a
 *   `JobTimeoutError`, or with the caller's abort reason;
 * - when an attempt times out or the caller aborts, the job's own signal is aborted and its slot is freed
 *   at once. Jobs must honour that signal (the `Source` port requires it); a late result is ignored.
 * - only errors the `isTransient` predicate accepts are retried, with exponential back-off and equal
 *   jitter from the injected `random`, timed by the injected clock.
 */
import type { Clock, TimerHandle } from '../ports/clock.js';
import { UserError } from '../core/errors.js';
import { isTransient as defaultIsTransient } from '../core/transient.js';

export type JobPriority = 'interactive' | 'background';

/** A unit of work; it must stop and release resources when `signal` aborts. */
export type Job<T> = (signal: AbortSignal) => Promise<T>;

export interface WorkerPoolOptions {
  readonly clock: Clock;
  /** Uniform in [0, 1); used for back-off jitter. */
  readonly random: () => number;
  /** Attempts running at once (default 3: a Raspberry Pi runs three yt-dlp processes comfortably). */
  readonly concurrency?: number;
  /** Per-attempt time limit (default 15 s). */
  readonly timeoutMs?: number;
  /** Retries after the first attempt, transient errors only (default 2). */
  readonly maxRetries?: number;
  /** First back-off (default 250 ms); doubles each retry up to `backoffMaxMs` (default 5 s). */
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** Which errors are worth retrying (default: errors marked `transient: true`). */
  readonly isTransient?: (error: unknown) => boolean;
}

export interface SubmitOptions {
  readonly priority: JobPriority;
  /** The caller's cancellation (e.g. the user left, the session stopped). */
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
}

/** Counters for metrics; `completed`, `failed`, `cancelled`, `timedOut`, `retried` only ever grow. */
export interface PoolStats {
  readonly queued: number;
  readonly queuedInteractive: number;
  readonly running: number;
  readonly backingOff: number;
  readonly completed: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly timedOut: number;
  readonly retried: number;
}

/**
 * An attempt ran past its time limit. A `UserError('FETCH_TIMEOUT')` so that, unmapped, the user still
 * gets friendly text; `timeoutMs` is for logs.
 */
export class JobTimeoutError extends UserError {
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super('FETCH_TIMEOUT');
    this.name = 'JobTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

type TaskState = 'queued' | 'running' | 'backoff' | 'done';

interface Task {
  readonly job: Job<unknown>;
  readonly priority: JobPriority;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
  state: TaskState;
  attempts: number;
  controller?: AbortController;
  timer?: TimerHandle;
  onAbort?: () => void;
}

/** Equal-jitter exponential back-off: half fixed, half random, so retries of a burst spread out. */
export function backoffDelay(retry: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export class WorkerPool {
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly concurrency: number;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly retryable: (error: unknown) => boolean;
  private readonly queues: Record<JobPriority, Task[]> = { interactive: [], background: [] };
  private running = 0;
  private backingOff = 0;
  private counters = { completed: 0, failed: 0, cancelled: 0, timedOut: 0, retried: 0 };

  constructor(options: WorkerPoolOptions) {
    this.clock = options.clock;
    this.random = options.random;
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 3));
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxRetries = Math.max(0, options.maxRetries ?? 2);
    this.backoffBaseMs = options.backoffBaseMs ?? 250;
    this.backoffMaxMs = options.backoffMaxMs ?? 5_000;
    this.retryable = options.isTransient ?? defaultIsTransient;
  }

  /** Queues `job`; the promise settles with its result, its final error, a timeout or the abort reason. */
  submit<T>(job: Job<T>, options: SubmitOptions): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (options.signal?.aborted) {
        this.counters.cancelled++;
        reject(options.signal.reason);
        return;
      }
      const task: Task = {
        job,
        priority: options.priority,
        timeoutMs: options.timeoutMs ?? this.timeoutMs,
        maxRetries: options.maxRetries ?? this.maxRetries,
        resolve: resolve as (value: unknown) => void,
        reject,
        signal: options.signal,
        state: 'queued',
        attempts: 0,
      };
      if (task.signal) {
        task.onAbort = () => this.cancel(task, task.signal?.reason);
        task.signal.addEventListener('abort', task.onAbort, { once: true });
      }
      this.queues[task.priority].push(task);
      this.pump();
    });
  }

  stats(): PoolStats {
    const { interactive, background } = this.queues;
    return {
      queued: interactive.length + background.length,
      queuedInteractive: interactive.length,
      running: this.running,
      backingOff: this.backingOff,
      ...this.counters,
    };
  }

  /** Starts queued tasks while slots are free, interactive first. */
  private pump(): void {
    while (this.running < this.concurrency) {
      const task = this.queues.interactive.shift() ?? this.queues.background.shift();
      if (!task) return;
      this.start(task);
    }
  }

  private start(task: Task): void {
    const controller = new AbortController();
    const attempt = ++task.attempts;
    task.state = 'running';
    task.controller = controller;
    this.running++;
    task.timer = this.clock.setTimeout(() => {
      const error = new JobTimeoutError(task.timeoutMs);
      this.counters.timedOut++;
      controller.abort(error);
      this.onAttemptFailed(task, attempt, error);
    }, task.timeoutMs);
    let outcome: Promise<unknown>;
    try {
      outcome = task.job(controller.signal);
    } catch (error) {
      outcome = Promise.reject(error);
    }
    outcome.then(
      (value) => this.onAttemptSucceeded(task, attempt, value),
      (error: unknown) => this.onAttemptFailed(task, attempt, error),
    );
  }

  /** Frees the slot of the current attempt; false when `attempt` is stale (already timed out/cancelled). */
  private endAttempt(task: Task, attempt: number): boolean {
    if (task.state !== 'running' || task.attempts !== attempt) return false;
    if (task.timer) this.clock.clearTimeout(task.timer);
    task.timer = undefined;
    this.running--;
    return true;
  }

  private onAttemptSucceeded(task: Task, attempt: number, value: unknown): void {
    if (!this.endAttempt(task, attempt)) return;
    this.counters.completed++;
    this.settle(task);
    task.resolve(value);
    this.pump();
  }

  private onAttemptFailed(task: Task, attempt: number, error: unknown): void {
    if (!this.endAttempt(task, attempt)) return;
    if (task.attempts <= task.maxRetries && this.retryable(error)) {
      this.scheduleRetry(task);
    } else {
      this.counters.failed++;
      this.settle(task);
      task.reject(error);
    }
    this.pump();
  }

  private scheduleRetry(task: Task): void {
    this.counters.retried++;
    this.backingOff++;
    task.state = 'backoff';
    const delay = backoffDelay(task.attempts, this.backoffBaseMs, this.backoffMaxMs, this.random);
    task.timer = this.clock.setTimeout(() => {
      task.timer = undefined;
      this.backingOff--;
      task.state = 'queued';
      this.queues[task.priority].unshift(task);
      this.pump();
    }, delay);
  }

  /** The caller aborted: drop the task wherever it is and reject with the abort reason. */
  private cancel(task: Task, reason: unknown): void {
    if (task.state === 'done') return;
    if (task.state === 'queued') {
      const queue = this.queues[task.priority];
      queue.splice(queue.indexOf(task), 1);
    } else if (task.state === 'running') {
      this.endAttempt(task, task.attempts);
      task.controller?.abort(reason);
    } else {
      if (task.timer) this.clock.clearTimeout(task.timer);
      this.backingOff--;
    }
    this.counters.cancelled++;
    this.settle(task);
    task.reject(reason);
    this.pump();
  }

  private settle(task: Task): void {
    task.state = 'done';
    if (task.onAbort) task.signal?.removeEventListener('abort', task.onAbort);
  }
}
