import { describe, expect, it } from 'vitest';
import { Coalescer } from '../../../src/core/coalescer.js';
import { flush } from '../../support/fake-clock.js';

function gate<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('Coalescer', () => {
  it('shares one in-flight run between concurrent callers of the same key', async () => {
    const c = new Coalescer<string, number>();
    const g = gate<number>();
    let runs = 0;
    const work = () => {
      runs++;
      return g.promise;
    };
    const a = c.run('k', work);
    const b = c.run('k', work);
    expect(runs).toBe(1);
    expect(c.inFlight).toBe(1);
    g.resolve(42);
    await expect(Promise.all([a, b])).resolves.toEqual([42, 42]);
  });

  it('runs different keys independently', async () => {
    const c = new Coalescer<string, string>();
    const results = await Promise.all([c.run('a', async () => 'A'), c.run('b', async () => 'B')]);
    expect(results).toEqual(['A', 'B']);
  });

  it('clears the entry on success so the next request runs again', async () => {
    const c = new Coalescer<string, number>();
    let runs = 0;
    await c.run('k', async () => ++runs);
    await flush();
    expect(c.has('k')).toBe(false);
    await expect(c.run('k', async () => ++runs)).resolves.toBe(2);
  });

  it('clears the entry on failure: failures are shared but never cached', async () => {
    const c = new Coalescer<string, number>();
    const g = gate<number>();
    const a = c.run('k', () => g.promise);
    const b = c.run('k', () => Promise.resolve(0));
    g.reject(new Error('boom'));
    await expect(a).rejects.toThrow('boom');
    await expect(b).rejects.toThrow('boom');
    await flush();
    expect(c.inFlight).toBe(0);
    await expect(c.run('k', async () => 7)).resolves.toBe(7);
  });

  it('treats a synchronous throw as a failed run and clears it', async () => {
    const c = new Coalescer<string, number>();
    await expect(
      c.run('k', () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    await flush();
    expect(c.inFlight).toBe(0);
  });

  it('rejects only the aborting caller; the shared work keeps going for the others', async () => {
    const c = new Coalescer<string, string>();
    const g = gate<string>();
    let workSignal: AbortSignal | undefined;
    const one = new AbortController();
    const a = c.run(
      'k',
      (s) => {
        workSignal = s;
        return g.promise;
      },
      one.signal,
    );
    const b = c.run('k', () => g.promise, new AbortController().signal);
    one.abort(new Error('left'));
    await expect(a).rejects.toThrow('left');
    expect(workSignal?.aborted).toBe(false);
    g.resolve('song');
    await expect(b).resolves.toBe('song');
  });

  it('aborts the shared work when every waiting caller has aborted, and starts afresh for a newcomer', async () => {
    const c = new Coalescer<string, string>();
    const first = gate<string>();
    let workSignal: AbortSignal | undefined;
    const x = new AbortController();
    const y = new AbortController();
    const a = c.run(
      'k',
      (s) => {
        workSignal = s;
        return first.promise;
      },
      x.signal,
    );
    const b = c.run('k', () => first.promise, y.signal);
    x.abort(new Error('x'));
    expect(workSignal?.aborted).toBe(false);
    y.abort(new Error('y'));
    await Promise.allSettled([a, b]);
    expect(workSignal?.aborted).toBe(true);
    // The abandoned run has not settled yet, but a newcomer must not inherit its abort.
    await expect(c.run('k', async () => 'fresh')).resolves.toBe('fresh');
    first.reject(new Error('aborted late'));
    await flush();
    expect(c.inFlight).toBe(0);
  });

  it('never aborts the shared work while a caller without a signal waits', async () => {
    const c = new Coalescer<string, string>();
    const g = gate<string>();
    let workSignal: AbortSignal | undefined;
    const x = new AbortController();
    const plain = c.run('k', (s) => {
      workSignal = s;
      return g.promise;
    });
    const withSignal = c.run('k', () => g.promise, x.signal);
    x.abort(new Error('x'));
    await expect(withSignal).rejects.toThrow('x');
    expect(workSignal?.aborted).toBe(false);
    g.resolve('ok');
    await expect(plain).resolves.toBe('ok');
  });

  it('rejects at once for an already-aborted signal without starting work', async () => {
    const c = new Coalescer<string, string>();
    let ran = false;
    const run = c.run(
      'k',
      async () => {
        ran = true;
        return 'x';
      },
      AbortSignal.abort(new Error('pre')),
    );
    await expect(run).rejects.toThrow('pre');
    expect(ran).toBe(false);
    expect(c.inFlight).toBe(0);
  });
});
