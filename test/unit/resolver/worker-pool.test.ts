import { describe, expect, it } from 'vitest';
import { JobTimeoutError, WorkerPool, backoffDelay, type Job } from '../../../src/resolver/worker-pool.js';
import { TransientError } from '../../../src/core/transient.js';
import { isUserError } from '../../../src/core/errors.js';
import { FakeClock, flush } from './fake-clock.js';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A job that records when it started and settles only when the test says so. */
function controlledJob(log: string[], name: string) {
  const d = deferred<string>();
  let signal: AbortSignal | undefined;
  const job: Job<string> = (s) => {
    signal = s;
    log.push(name);
    return d.promise;
  };
  return { job, d, signal: () => signal };
}

const makePool = (clock: FakeClock, extra: Partial<ConstructorParameters<typeof WorkerPool>[0]> = {}) =>
  new WorkerPool({ clock, random: () => 0, concurrency: 2, timeoutMs: 1_000, backoffBaseMs: 100, ...extra });

describe('WorkerPool', () => {
  it('never runs more than `concurrency` jobs and starts the next when one finishes', async () => {
    const clock = new FakeClock();
    const pool = makePool(clock);
    const log: string[] = [];
    const jobs = ['a', 'b', 'c', 'd'].map((n) => controlledJob(log, n));
    const results = jobs.map((j) => pool.submit(j.job, { priority: 'background' }));
    await flush();
    expect(log).toEqual(['a', 'b']);
    expect(pool.stats()).toMatchObject({ running: 2, queued: 2 });
    jobs[0]?.d.resolve('A');
    await expect(results[0]).resolves.toBe('A');
    await flush();
    expect(log).toEqual(['a', 'b', 'c']);
    expect(pool.stats()).toMatchObject({ running: 2, queued: 1, completed: 1 });
  });

  it('starts interactive jobs before background ones, FIFO within each priority', async () => {
    const clock = new FakeClock();
    const pool = makePool(clock, { concurrency: 1 });
    const log: string[] = [];
    const blocker = controlledJob(log, 'blocker');
    void pool.submit(blocker.job, { priority: 'background' });
    const names = ['bg1', 'int1', 'bg2', 'int2'];
    const jobs = names.map((n) => controlledJob(log, n));
    jobs.forEach((j, i) => {
      void pool.submit(j.job, { priority: names[i]?.startsWith('int') ? 'interactive' : 'background' });
    });
    expect(pool.stats()).toMatchObject({ queued: 4, queuedInteractive: 2 });
    blocker.d.resolve('x');
    for (const j of [jobs[1], jobs[3], jobs[0], jobs[2]]) {
      await flush();
      j?.d.resolve('ok');
    }
    await flush();
    expect(log).toEqual(['blocker', 'int1', 'int2', 'bg1', 'bg2']);
  });

  it('times an attempt out exactly at timeoutMs, aborts its signal and frees the slot', async () => {
    const clock = new FakeClock();
    const pool = makePool(clock, { concurrency: 1 });
    const log: string[] = [];
    const hung = controlledJob(log, 'hung');
    const next = controlledJob(log, 'next');
    const result = pool.submit(hung.job, { priority: 'interactive' });
    void pool.submit(next.job, { priority: 'interactive' });
    const settled = observe(result);
    await clock.advance(999);
    expect(settled.state).toBe('pending');
    expect(hung.signal()?.aborted).toBe(false);
    await clock.advance(1);
    expect(settled.state).toBe('rejected');
    expect(settled.error).toBeInstanceOf(JobTimeoutError);
    expect(isUserError(settled.error) && settled.error.code).toBe('FETCH_TIMEOUT');
    expect(hung.signal()?.aborted).toBe(true);
    expect(hung.signal()?.reason).toBe(settled.error);
    expect(log).toEqual(['hung', 'next']);
    // A late answer from the timed-out job is ignored.
    hung.d.resolve('too late');
    await flush();
    expect(pool.stats()).toMatchObject({ timedOut: 1, failed: 1, completed: 0, running: 1 });
  });

  it('honours a per-submit timeout', async () => {
    const clock = new FakeClock();
    const pool = makePool(clock);
    const result = observe(pool.submit(() => new Promise<never>(() => {}), { priority: 'background', timeoutMs: 50 }));
    await clock.advance(50);
    expect(result.error).toBeInstanceOf(JobTimeoutError);
    expect((result.error as JobTimeoutError).timeoutMs).toBe(50);
  });

  it('rejects at once, without running, when the caller signal is already aborted', async () => {
    const pool = makePool(new FakeClock());
    let ran = false;
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    const job: Job<number> = async () => {
      ran = true;
      return 1;
    };
    await expect(pool.submit(job, { priority: 'interactive', signal: controller.signal })).rejects.toThrow('gone');
    expect(ran).toBe(false);
    expect(pool.stats().cancelled).toBe(1);
  });

  it('removes a queued job when its caller aborts; it never runs', async () => {
    const clock = new FakeClock();
    const pool = makePool(clock, { concurrency: 1 });
    const log: string[] = [];
    const blocker = controlledJob(log, 'blocker');
    const queued = controlledJob(log, 'queued');
    void pool.submit(blocker.job, { priority: 'interactive' });
    const controller = new AbortController();
    const result = pool.submit(queued.job, { priority: 'interactive', signal: controller.signal });
    controller.abort(new Error('user left'));
    await expect(result).rejects.toThrow('user left');
    blocker.d.resolve('done');
    await flush();
    expect(log).toEqual(['blocker']);
    expect(pool.stats()).toMatchObject({ queued: 0, running: 0, cancelled: 1, completed: 1 });
  });

  it('aborts a running job when its caller aborts and frees the slot immediately', async () => {
    const clock = new FakeClock();
    const pool = makePool(clock, { concurrency: 1 });
    const log: string[] = [];
    const running = controlledJob(log, 'running');
    const next = controlledJob(log, 'next');
    const controller = new AbortController();
    const result = pool.submit(running.job, { priority: 'interactive', signal: controller.signal });
    void pool.submit(next.job, { priority: 'background' });
    await flush();
    controller.abort(new Error('skip'));
    await expect(result).rejects.toThrow('skip');
    expect(running.signal()?.aborted).toBe(true);
    await flush();
    expect(log).toEqual(['running', 'next']);
    expect(clock.pending()).toBe(1); // only the next job's timeout is armed
  });

  it('retries transient errors with exponential back-off, holding no slot while waiting', async () => {
    const clock = new FakeClock();
    const pool = makePool(clock, { concurrency: 1, maxRetries: 2 });
    let attempts = 0;
    const flaky: Job<string> = async () => {
      attempts++;
      if (attempts < 3) throw new TransientError('reset');
      return 'ok';
    };
    const log: string[] = [];
    const result = observe(pool.submit(flaky, { priority: 'interactive' }));
    const other = controlledJob(log, 'other');
    void pool.submit(other.job, { priority: 'background' });
    await flush();
    expect(attempts).toBe(1);
    expect(log).toEqual(['other']); // the back-off freed the only slot
    other.d.resolve('done');
    // random() = 0 → equal jitter gives half of 100 ms, then half of 200 ms.
    await clock.advance(49);
    expect(attempts).toBe(1);
    await clock.advance(1);
    expect(attempts).toBe(2);
    await clock.advance(99);
    expect(attempts).toBe(2);
    await clock.advance(1);
    expect(attempts).toBe(3);
    expect(result.state).toBe('resolved');
    expect(pool.stats()).toMatchObject({ retried: 2, completed: 2, failed: 0, backingOff: 0 });
  });

  it('does not retry non-transient errors', async () => {
    const pool = makePool(new FakeClock());
    let attempts = 0;
    const job: Job<never> = async () => {
      attempts++;
      throw new Error('bug');
    };
    await expect(pool.submit(job, { priority: 'interactive' })).rejects.toThrow('bug');
    expect(attempts).toBe(1);
    expect(pool.stats()).toMatchObject({ failed: 1, retried: 0 });
  });

  it('gives up after maxRetries and rejects with the last error', async () => {
    const clock = new FakeClock();
    const pool = makePool(clock, { maxRetries: 1 });
    let attempts = 0;
    const job: Job<never> = async () => {
      throw new TransientError(`attempt ${++attempts}`);
    };
    const result = observe(pool.submit(job, { priority: 'interactive' }));
    await clock.advance(10_000);
    expect(attempts).toBe(2);
    expect((result.error as Error).message).toBe('attempt 2');
  });

  it('cancels a job waiting out its back-off', async () => {
    const clock = new FakeClock();
    const pool = makePool(clock);
    let attempts = 0;
    const controller = new AbortController();
    const result = observe(
      pool.submit(
        async () => {
          attempts++;
          throw new TransientError('503');
        },
        { priority: 'interactive', signal: controller.signal },
      ),
    );
    await flush();
    expect(pool.stats().backingOff).toBe(1);
    controller.abort(new Error('stop'));
    await flush();
    expect((result.error as Error).message).toBe('stop');
    await clock.advance(10_000);
    expect(attempts).toBe(1);
    expect(pool.stats()).toMatchObject({ backingOff: 0, cancelled: 1 });
    expect(clock.pending()).toBe(0);
  });

  it('turns a synchronous throw into a rejection', async () => {
    const pool = makePool(new FakeClock());
    const job: Job<never> = () => {
      throw new Error('sync');
    };
    await expect(pool.submit(job, { priority: 'background' })).rejects.toThrow('sync');
    expect(pool.stats().running).toBe(0);
  });
});

describe('backoffDelay', () => {
  it('doubles per retry, caps at the maximum and spreads over [half, full]', () => {
    expect(backoffDelay(1, 100, 1_000, () => 0)).toBe(50);
    expect(backoffDelay(1, 100, 1_000, () => 0.999999)).toBe(100);
    expect(backoffDelay(3, 100, 1_000, () => 0)).toBe(200);
    expect(backoffDelay(10, 100, 1_000, () => 0)).toBe(500);
    expect(backoffDelay(10, 100, 1_000, () => 0.999999)).toBe(1_000);
  });
});

/** Observes a promise's outcome synchronously after flushes. */
function observe<T>(promise: Promise<T>) {
  const state: { state: 'pending' | 'resolved' | 'rejected'; value?: T; error?: unknown } = { state: 'pending' };
  promise.then(
    (value) => Object.assign(state, { state: 'resolved', value }),
    (error: unknown) => Object.assign(state, { state: 'rejected', error }),
  );
  return state;
}
