import { EventEmitter } from 'node:events';
import type { Clock } from '../../ports/clock.js';
import { refusesServer } from './youtube-failures.js';

/** What is known about YouTube's attitude to this server, and from where. */
export type YouTubeHealthState =
  | { readonly status: 'unknown' }
  | { readonly status: 'up'; readonly since: number; readonly via: 'canary' | 'traffic' }
  | {
      readonly status: 'refusing';
      readonly since: number;
      /** traffic: a member's request met a refusal; canary: the periodic check failed; breaker: it opened. */
      readonly via: 'canary' | 'traffic' | 'breaker';
      /** The catalogue code (or `BREAKER_OPEN`) that says how. */
      readonly code: string;
    };

export interface YouTubeHealthOptions {
  readonly clock: Clock;
  /** A refusal seen in traffic stops steering searches away after this long, so YouTube is tried again (10 min). */
  readonly trafficRefusalMs?: number;
}

/**
 * YouTube's health as seen from this server: fed by members' requests (a refusal, a video resolved), the
 * hourly canary and YouTube's circuit breaker. Searches go to SoundCloud while `refusal()` names a reason;
 * /readyz and the `source_health` gauge show the state. One state, changed only here, announced by
 * `stateChange`.
 */
export class YouTubeHealth extends EventEmitter<{ stateChange: [old: YouTubeHealthState, next: YouTubeHealthState] }> {
  private stateValue: YouTubeHealthState = { status: 'unknown' };

  constructor(private readonly options: YouTubeHealthOptions) {
    super();
  }

  get state(): YouTubeHealthState {
    return this.stateValue;
  }

  /** A request failed with catalogue `code`; only server-wide refusals (bot check, 429, challenge, 403) count. */
  failed(code: string): void {
    if (!refusesServer(code)) return;
    const state = this.stateValue;
    if (state.status === 'refusing' && state.via !== 'traffic') return; // canary/breaker knowledge stays until they change
    this.set({ status: 'refusing', since: this.options.clock.now(), via: 'traffic', code });
  }

  /** YouTube answered a real request. */
  succeeded(): void {
    if (this.stateValue.status === 'up' || (this.stateValue.status === 'refusing' && this.stateValue.via === 'breaker'))
      return;
    this.set({ status: 'up', since: this.options.clock.now(), via: 'traffic' });
  }

  canary(result: { readonly ok: true } | { readonly ok: false; readonly code: string }): void {
    const state = this.stateValue;
    if (state.status === 'refusing' && state.via === 'breaker') return; // the breaker's own probe decides
    const now = this.options.clock.now();
    this.set(
      result.ok
        ? { status: 'up', since: now, via: 'canary' }
        : { status: 'refusing', since: now, via: 'canary', code: result.code },
    );
  }

  breaker(open: boolean): void {
    const state = this.stateValue;
    if (open) this.set({ status: 'refusing', since: this.options.clock.now(), via: 'breaker', code: 'BREAKER_OPEN' });
    else if (state.status === 'refusing' && state.via === 'breaker') this.set({ status: 'unknown' });
  }

  /** Why YouTube should be skipped for searches right now (a catalogue code or BREAKER_OPEN), or null. */
  refusal(): string | null {
    const state = this.stateValue;
    if (state.status !== 'refusing') return null;
    if (state.via === 'traffic' && this.options.clock.now() - state.since > (this.options.trafficRefusalMs ?? 600_000))
      return null;
    return state.code;
  }

  private set(next: YouTubeHealthState): void {
    const old = this.stateValue;
    this.stateValue = next;
    this.emit('stateChange', old, next);
  }
}
