import { describe, expect, it } from 'vitest';
import {
  CircuitBreaker,
  defaultIsFailure,
  type BreakerStateChange,
  type CircuitBreakerOptions,
} from '../../../src/resolver/circuit-breaker.js';
import { UserError, isUserError } from '../../../src/core/errors.js';
import { FakeClock } from '../../support/fake-clock.js';

const fail = () => Promise.reject(new Error('503'));
const ok = () => Promise.resolve('ok');

function make(clock: FakeClock, extra: Partial<CircuitBreakerOptions> = {}) {
  const breaker = new CircuitBreaker({
    name: 'youtube',
    clock,
    failureThreshold: 3,
    minimumCalls: 10,
    failureRatio: 0.5,
    windowMs: 60_000,
    coolDownMs: 30_000,
    ...extra,
  });
  const changes: BreakerStateChange[] = [];
  breaker.onStateChange((c) => changes.push(c));
  return { breaker, changes };
}

async function failTimes(breaker: CircuitBreaker, n: number) {
  for (let i = 0; i < n; i++) await breaker.execute(fail).catch(() => undefined);
}

describe('CircuitBreaker', () => {
  it('opens after K consecutive failures, not K−1, and a success resets the count', async () => {
    const clock = new FakeClock();
    const { breaker } = make(clock);
    await failTimes(breaker, 2);
    await breaker.execute(ok);
    await failTimes(breaker, 2);
    expect(breaker.state).toEqual({ kind: 'closed', consecutiveFailures: 2 });
    await failTimes(breaker, 1);
    expect(breaker.state).toMatchObject({ kind: 'open', trigger: 'consecutive', openedAt: clock.now() });
  });

  it('fails fast with SOURCE_UNAVAILABLE while open, without calling the work', async () => {
    const clock = new FakeClock();
    const { breaker } = make(clock);
    await failTimes(breaker, 3);
    let called = false;
    const error = await breaker.execute(async () => (called = true)).catch((e: unknown) => e);
    expect(called).toBe(false);
    expect(isUserError(error) && error.code).toBe('SOURCE_UNAVAILABLE');
  });

  it('goes half-open exactly when the cool-down ends and lets one probe through', async () => {
    const clock = new FakeClock();
    const { breaker, changes } = make(clock);
    await failTimes(breaker, 3);
    clock.set(clock.now() + 29_999);
    expect(breaker.state.kind).toBe('open');
    clock.set(clock.now() + 1);
    expect(breaker.state).toEqual({ kind: 'half-open', probeInFlight: false });
    let release!: (v: string) => void;
    const probe = breaker.execute(() => new Promise<string>((r) => (release = r)));
    expect(breaker.state).toEqual({ kind: 'half-open', probeInFlight: true });
    await expect(breaker.execute(ok)).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
    release('fine');
    await expect(probe).resolves.toBe('fine');
    expect(breaker.state).toEqual({ kind: 'closed', consecutiveFailures: 0 });
    expect(changes.map((c) => `${c.from.kind}->${c.to.kind}`)).toEqual([
      'closed->open',
      'open->half-open',
      'half-open->closed',
    ]);
    expect(changes[0]?.name).toBe('youtube');
  });

  it('re-opens with a fresh cool-down when the probe fails', async () => {
    const clock = new FakeClock();
    const { breaker } = make(clock);
    await failTimes(breaker, 3);
    clock.set(clock.now() + 30_000);
    await breaker.execute(fail).catch(() => undefined);
    expect(breaker.state).toMatchObject({ kind: 'open', trigger: 'probe', retryAt: clock.now() + 30_000 });
  });

  it('releases the probe slot when the probe is aborted by its caller (neither success nor failure)', async () => {
    const clock = new FakeClock();
    const { breaker } = make(clock);
    await failTimes(breaker, 3);
    clock.set(clock.now() + 30_000);
    const abort = new DOMException('aborted', 'AbortError');
    await breaker.execute(() => Promise.reject(abort)).catch(() => undefined);
    expect(breaker.state).toEqual({ kind: 'half-open', probeInFlight: false });
  });

  it('opens on the failure ratio within the window once minimumCalls is reached', async () => {
    const clock = new FakeClock();
    const { breaker } = make(clock, { failureThreshold: 100 });
    // Alternate: never 2 failures in a row, ratio 50 %.
    for (let i = 0; i < 9; i++) await (i % 2 ? breaker.execute(ok) : breaker.execute(fail).catch(() => 0));
    expect(breaker.state.kind).toBe('closed'); // 9 calls < minimumCalls
    await breaker.execute(fail).catch(() => 0); // 10th call: 6 failures of 10
    expect(breaker.state).toMatchObject({ kind: 'open', trigger: 'ratio' });
  });

  it('forgets outcomes that slid out of the window', async () => {
    const clock = new FakeClock();
    const { breaker } = make(clock, { failureThreshold: 100 });
    await failTimes(breaker, 5);
    clock.set(clock.now() + 60_000); // the five failures are now exactly windowMs old: dropped
    for (let i = 0; i < 9; i++) await breaker.execute(ok);
    await failTimes(breaker, 1);
    expect(breaker.state.kind).toBe('closed'); // 1 failure of 10 in the window
  });

  it('does not count user-caused errors or caller aborts as source failures', async () => {
    const clock = new FakeClock();
    const { breaker } = make(clock);
    for (let i = 0; i < 5; i++) {
      await breaker.execute(() => Promise.reject(new UserError('NOT_AUDIO'))).catch(() => 0);
      await breaker.execute(() => Promise.reject(new DOMException('x', 'AbortError'))).catch(() => 0);
    }
    expect(breaker.state.kind).toBe('closed');
  });

  it('classifies failures: timeouts and outages count, bad input and aborts do not', () => {
    expect(defaultIsFailure(new Error('crash'))).toBe(true);
    expect(defaultIsFailure(new UserError('FETCH_TIMEOUT'))).toBe(true);
    expect(defaultIsFailure(new UserError('SOURCE_UNAVAILABLE'))).toBe(true);
    expect(defaultIsFailure(new UserError('UNSUPPORTED_QUERY'))).toBe(false);
    expect(defaultIsFailure(new DOMException('x', 'AbortError'))).toBe(false);
  });

  it('keeps working when a listener throws, and stops notifying after unsubscribe', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ name: 's', clock, failureThreshold: 1, coolDownMs: 10 });
    const seen: string[] = [];
    breaker.onStateChange(() => {
      throw new Error('bad listener');
    });
    const off = breaker.onStateChange((c) => seen.push(c.to.kind));
    await failTimes(breaker, 1);
    expect(breaker.state.kind).toBe('open');
    off();
    clock.set(clock.now() + 10);
    expect(breaker.state.kind).toBe('half-open');
    expect(seen).toEqual(['open']);
  });
});
