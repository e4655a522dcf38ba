/**
 * A per-source circuit breaker. When YouTube starts failing (rate limits, a broken yt-dlp after a site
 * change), every query would otherwise wait out a full timeout; an open breaker answers at once with
 * `SOURCE_UNAVAILABLE` and lets one probe through after a cool-down to find out whether it recovered.
 *
 * closed ──(K consecutive failures, or failure ratio ≥ R over ≥ M calls in the window)──▶ open
 * open ──(cool-down elapsed, checked lazily on the next call or state read)──▶ half-open
 * half-open ──(the single probe succeeds)──▶ closed;  ──(it fails)──▶ open (fresh cool-down)
 *
 * Invariants: only failures of the source count (see `defaultIsFailure`): a caller's abort is neutral
 * and a user-caused `UserError` (bad link, not audio) proves the source answered, so it counts as a
 * success. In half-open exactly one call is in flight; the others fail fast. Time comes from the clock.
 */
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import { UserError, isUserError, type ErrorCode } from '../core/errors.js';
import { isAbortError } from '../core/transient.js';

export type BreakerState =
  | { readonly kind: 'closed'; readonly consecutiveFailures: number }
  | {
      readonly kind: 'open';
      readonly openedAt: number;
      /** First instant (epoch ms) at which a probe is allowed. */
      readonly retryAt: number;
      readonly trigger: 'consecutive' | 'ratio' | 'probe';
    }
  | { readonly kind: 'half-open'; readonly probeInFlight: boolean };

export interface BreakerStateChange {
  readonly name: string;
  readonly from: BreakerState;
  readonly to: BreakerState;
}

export type BreakerListener = (change: BreakerStateChange) => void;

export interface CircuitBreakerOptions {
  /** The source this breaker guards (for logs and metrics labels). */
  readonly name: string;
  readonly clock: Clock;
  /** K: consecutive failures that open the breaker (default 5). */
  readonly failureThreshold?: number;
  /** R: failure ratio that opens the breaker (default 0.5) … */
  readonly failureRatio?: number;
  /** … among at least this many calls (default 10) … */
  readonly minimumCalls?: number;
  /** … within this sliding window (default 60 s). */
  readonly windowMs?: number;
  /** How long to stay open before letting a probe through (default 30 s). */
  readonly coolDownMs?: number;
  readonly isFailure?: (error: unknown) => boolean;
  readonly logger?: Logger;
}

const SOURCE_FAULT_CODES: ReadonlySet<ErrorCode> = new Set(['FETCH_TIMEOUT', 'FETCH_FAILED', 'SOURCE_UNAVAILABLE']);
/** Outcomes kept in the ratio window at most, whatever the traffic (bounded memory). */
const MAX_WINDOW_OUTCOMES = 1_000;

/** Source faults: anything but a caller's abort and user-caused `UserError`s. */
export const defaultIsFailure = (error: unknown): boolean => {
  if (isAbortError(error)) return false;
  return !isUserError(error) || SOURCE_FAULT_CODES.has(error.code);
};

type Outcome = 'success' | 'failure' | 'neutral';

export class CircuitBreaker {
  readonly name: string;
  private readonly clock: Clock;
  private readonly threshold: number;
  private readonly ratio: number;
  private readonly minimumCalls: number;
  private readonly windowMs: number;
  private readonly coolDownMs: number;
  private readonly isFailure: (error: unknown) => boolean;
  private readonly logger: Logger | undefined;
  private readonly listeners = new Set<BreakerListener>();
  private current: BreakerState = { kind: 'closed', consecutiveFailures: 0 };
  /** Sliding window of (time, failed) outcomes, oldest first. */
  private window: { at: number; failed: boolean }[] = [];

  constructor(options: CircuitBreakerOptions) {
    this.name = options.name;
    this.clock = options.clock;
    this.threshold = Math.max(1, options.failureThreshold ?? 5);
    this.ratio = options.failureRatio ?? 0.5;
    this.minimumCalls = Math.max(1, options.minimumCalls ?? 10);
    this.windowMs = options.windowMs ?? 60_000;
    this.coolDownMs = options.coolDownMs ?? 30_000;
    this.isFailure = options.isFailure ?? defaultIsFailure;
    this.logger = options.logger;
  }

  /** The current state, after applying an elapsed cool-down (open → half-open). */
  get state(): BreakerState {
    this.maybeHalfOpen();
    return this.current;
  }

  /** Subscribes to transitions; returns the unsubscribe function. */
  onStateChange(listener: BreakerListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs `work` through the breaker, or fails fast with `UserError('SOURCE_UNAVAILABLE')`. */
  async execute<T>(work: () => Promise<T>): Promise<T> {
    const isProbe = this.admit();
    try {
      const value = await work();
      this.record('success', isProbe);
      return value;
    } catch (error) {
      const outcome: Outcome = this.isFailure(error) ? 'failure' : isAbortError(error) ? 'neutral' : 'success';
      this.record(outcome, isProbe);
      throw error;
    }
  }

  /** Lets a call through (true when it is the half-open probe) or throws the fail-fast error. */
  private admit(): boolean {
    this.maybeHalfOpen();
    const state = this.current;
    if (state.kind === 'closed') return false;
    if (state.kind === 'half-open' && !state.probeInFlight) {
      this.transition({ kind: 'half-open', probeInFlight: true });
      return true;
    }
    throw new UserError('SOURCE_UNAVAILABLE');
  }

  private record(outcome: Outcome, isProbe: boolean): void {
    if (isProbe) return this.recordProbe(outcome);
    if (outcome === 'neutral' || this.current.kind !== 'closed') return;
    const now = this.clock.now();
    this.window.push({ at: now, failed: outcome === 'failure' });
    this.pruneWindow(now);
    const consecutive = outcome === 'failure' ? this.current.consecutiveFailures + 1 : 0;
    if (consecutive >= this.threshold) return this.open('consecutive');
    if (outcome === 'failure' && this.ratioExceeded()) return this.open('ratio');
    this.current = { kind: 'closed', consecutiveFailures: consecutive };
  }

  private recordProbe(outcome: Outcome): void {
    if (outcome === 'success') {
      this.window = [];
      this.transition({ kind: 'closed', consecutiveFailures: 0 });
    } else if (outcome === 'failure') {
      this.open('probe');
    } else {
      this.transition({ kind: 'half-open', probeInFlight: false });
    }
  }

  private ratioExceeded(): boolean {
    if (this.window.length < this.minimumCalls) return false;
    const failures = this.window.reduce((n, o) => n + (o.failed ? 1 : 0), 0);
    return failures / this.window.length >= this.ratio;
  }

  /** Drops outcomes older than the window (an outcome exactly `windowMs` old is dropped) and caps size. */
  private pruneWindow(now: number): void {
    let drop = 0;
    while (drop < this.window.length && now - (this.window[drop]?.at ?? now) >= this.windowMs) drop++;
    drop = Math.max(drop, this.window.length - MAX_WINDOW_OUTCOMES);
    if (drop > 0) this.window.splice(0, drop);
  }

  private open(trigger: 'consecutive' | 'ratio' | 'probe'): void {
    const now = this.clock.now();
    this.window = [];
    this.transition({ kind: 'open', openedAt: now, retryAt: now + this.coolDownMs, trigger });
  }

  /** open → half-open once the clock reaches `retryAt` (inclusive). */
  private maybeHalfOpen(): void {
    const state = this.current;
    if (state.kind === 'open' && this.clock.now() >= state.retryAt) {
      this.transition({ kind: 'half-open', probeInFlight: false });
    }
  }

  private transition(to: BreakerState): void {
    const from = this.current;
    this.current = to;
    if (from.kind === to.kind) return;
    for (const listener of this.listeners) {
      try {
        listener({ name: this.name, from, to });
      } catch (error) {
        this.logger?.warn({ err: error, breaker: this.name }, 'circuit breaker listener threw');
      }
    }
  }
}
