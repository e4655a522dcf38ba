import type { Clock, TimerHandle } from '../ports/clock.js';
import type { Notifier } from '../ports/notifier.js';
import type { GuildSession } from './guild-session.js';
import type { EndReason } from './session-state.js';

export interface SupervisorOptions {
  readonly idleTimeoutMs: number;
  readonly aloneTimeoutMs: number;
  readonly clock: Clock;
  readonly notifier: Notifier;
  /** Humans (not bots) in the channel. */
  readonly listeners: (guildId: string, channelId: string) => number;
  /** 24/7 guilds never leave for idleness or loneliness. */
  readonly stays: (guildId: string) => boolean;
  readonly end: (guildId: string, reason: EndReason) => void;
}

/**
 * Leaves channels nobody uses: after `idleTimeoutMs` with nothing playing, and (pausing at once) after
 * `aloneTimeoutMs` with no listeners, resuming if someone comes back first. Timers are per session and reset
 * on every relevant change; `sweep` re-checks every session against the same deadlines in case a timer was
 * missed. Invariant: a destroyed session has no timers.
 */
export class SessionSupervisor {
  private readonly idleTimers = new Map<string, TimerHandle>();
  /** Sessions with nobody listening: since when, the leave timer, and the auto-pause (settles when applied). */
  private readonly alone = new Map<string, { since: number; timer: TimerHandle; paused: Promise<unknown> }>();

  constructor(private readonly options: SupervisorOptions) {}

  watch(session: GuildSession): void {
    session.on('stateChange', (_old, state) => {
      if (state.status === 'destroyed') return this.forget(session.guildId);
      this.checkIdle(session);
    });
    this.checkIdle(session);
    this.checkAlone(session);
  }

  /** Someone joined or left a voice channel in this guild. */
  onVoiceChange(session: GuildSession): void {
    this.checkAlone(session);
  }

  /** Catches anything a timer missed. */
  sweep(sessions: readonly GuildSession[]): void {
    const now = this.options.clock.now();
    for (const session of sessions) {
      const state = session.state;
      if (this.options.stays(session.guildId)) continue;
      if (state.status === 'idle' && now - state.since >= this.options.idleTimeoutMs) this.leave(session, 'idle');
      const alone = this.alone.get(session.guildId);
      if (alone && now - alone.since >= this.options.aloneTimeoutMs) this.leave(session, 'alone');
    }
  }

  private checkIdle(session: GuildSession): void {
    const { guildId } = session;
    this.clear(this.idleTimers.get(guildId));
    this.idleTimers.delete(guildId);
    if (session.state.status !== 'idle' || this.options.stays(guildId)) return;
    const timer = this.options.clock.setTimeout(() => this.leave(session, 'idle'), this.options.idleTimeoutMs);
    timer.unref?.();
    this.idleTimers.set(guildId, timer);
  }

  private checkAlone(session: GuildSession): void {
    const { guildId } = session;
    const isAlone = this.options.listeners(guildId, session.voiceChannelId) === 0;
    const tracked = this.alone.get(guildId);
    if (isAlone && !tracked && !this.options.stays(guildId)) {
      const paused = session.pause(true).catch(() => undefined);
      const timer = this.options.clock.setTimeout(() => this.leave(session, 'alone'), this.options.aloneTimeoutMs);
      timer.unref?.();
      this.alone.set(guildId, { since: this.options.clock.now(), timer, paused });
    } else if (!isAlone && tracked) {
      this.clear(tracked.timer);
      this.alone.delete(guildId);
      // Someone may come back before the auto-pause has been applied (it waits its turn behind other
      // commands): decide once it has, or the session would stay paused with a listener.
      void tracked.paused
        .then(() => {
          const state = session.state;
          if (!this.alone.has(guildId) && state.status === 'paused' && state.auto) return session.resume();
        })
        .catch(() => undefined);
    }
  }

  private leave(session: GuildSession, reason: 'idle' | 'alone'): void {
    if (session.state.status === 'destroyed') return;
    const text =
      reason === 'idle'
        ? '👋 Left the voice channel after a while with nothing playing. Use /play to bring me back.'
        : '👋 Left the voice channel because nobody was listening. Use /play to bring me back.';
    void this.options.notifier.send(session.textChannelId, text);
    this.options.end(session.guildId, reason);
  }

  private forget(guildId: string): void {
    this.clear(this.idleTimers.get(guildId));
    this.idleTimers.delete(guildId);
    this.clear(this.alone.get(guildId)?.timer);
    this.alone.delete(guildId);
  }

  private clear(timer: TimerHandle | undefined): void {
    if (timer) this.options.clock.clearTimeout(timer);
  }
}
