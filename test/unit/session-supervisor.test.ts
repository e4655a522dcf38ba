import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { GuildSession } from '../../src/session/guild-session.js';
import { SessionSupervisor } from '../../src/session/session-supervisor.js';
import { FakeClock, flush } from '../support/fake-clock.js';

/** A playing session whose pause and resume are applied when the test says (as behind other queued commands). */
class SlowSession extends EventEmitter {
  readonly guildId = 'g1';
  readonly voiceChannelId = 'v1';
  readonly textChannelId = 't1';
  state: { status: string; auto?: boolean } = { status: 'playing' };
  readonly calls: string[] = [];
  private release: (() => void) | undefined;

  pause(auto: boolean): Promise<void> {
    this.calls.push('pause');
    return new Promise((resolve) => {
      this.release = () => {
        this.state = { status: 'paused', auto };
        resolve();
      };
    });
  }

  async resume(): Promise<void> {
    this.calls.push('resume');
    this.state = { status: 'playing' };
  }

  applyPause(): void {
    this.release?.();
  }
}

function setup() {
  const clock = new FakeClock(0);
  let listeners = 1;
  const ended: string[] = [];
  const supervisor = new SessionSupervisor({
    idleTimeoutMs: 300_000,
    aloneTimeoutMs: 120_000,
    clock,
    notifier: { send: async () => undefined },
    listeners: () => listeners,
    stays: () => false,
    end: (_guild, reason) => void ended.push(reason),
  });
  const session = new SlowSession();
  supervisor.watch(session as unknown as GuildSession);
  const setListeners = (n: number) => {
    listeners = n;
    supervisor.onVoiceChange(session as unknown as GuildSession);
  };
  return { clock, session, setListeners, ended };
}

describe('SessionSupervisor: pause when alone, resume when someone comes back', () => {
  it('resumes when the listener comes back before the auto-pause was applied (it stayed paused before)', async () => {
    const { session, setListeners } = setup();
    setListeners(0); // the last listener leaves: pause requested, still waiting its turn
    setListeners(1); // and comes back at once
    session.applyPause();
    await flush();
    expect(session.calls).toEqual(['pause', 'resume']);
    expect(session.state.status).toBe('playing');
  });

  it('stays paused when the listener left again before the pause was applied', async () => {
    const { session, setListeners } = setup();
    setListeners(0);
    setListeners(1);
    setListeners(0);
    session.applyPause();
    await flush();
    expect(session.calls).toEqual(['pause', 'pause']);
  });

  it('leaves after the alone timeout, and not when someone came back', async () => {
    const first = setup();
    first.setListeners(0);
    first.session.applyPause();
    await first.clock.advance(120_000);
    expect(first.ended).toEqual(['alone']);

    const second = setup();
    second.setListeners(0);
    second.session.applyPause();
    await second.clock.advance(60_000);
    second.setListeners(1);
    await second.clock.advance(120_000);
    expect(second.ended).toEqual([]);
    expect(second.session.state.status).toBe('playing');
  });
});
