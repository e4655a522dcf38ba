import { afterEach, describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/core/errors.js';
import { startStack, type Stack } from './harness.js';
import { faultArgs, media, waitForHeard, waitForTransition } from './dave-support.js';

/**
 * Broken DAVE on the bot's side, each made with a test-only preload (test/offline-discord/dave-fault-preload.cjs,
 * switched by TUNEBOT_TEST_DAVE_FAULT; the product never reads it): the listener checks must catch a frame
 * sent without E2EE and a bot stuck on an old epoch's key, and the bot must turn a refused or impossible
 * E2EE into one log line and a member-facing message, never a reconnect loop.
 */
let stack: Stack | undefined;

afterEach(async () => {
  // These tests provoke violations on purpose; each asserts its own before the stack closes.
  for (const session of stack?.discord.voice.daveHistory ?? []) session.stats.violations.length = 0;
  await stack?.close();
  stack = undefined;
});

async function faultyStack(fault: string): Promise<Stack> {
  stack = await startStack({ nodeArgs: faultArgs(), env: { TUNEBOT_TEST_DAVE_FAULT: fault } });
  stack.join(stack.users.alice);
  return stack;
}

async function playLongTone(s: Stack): Promise<string> {
  const url = await s.media.tone({ hz: 520, seconds: 120, format: 'ogg' });
  return s.ask(s.users.alice, 'play', { query: url }, 30_000);
}

/** Voice joins (gateway op 4 with a channel) the bot sent so far. */
function voiceJoins(s: Stack): number {
  return s.discord.gateway.opsOf(4).filter((o) => (o.d as { channel_id?: string | null }).channel_id).length;
}

describe('DAVE faults on the bot side', () => {
  it('a frame sent without E2EE after the transition is caught by the listener', async () => {
    const s = await faultyStack('plaintext-once');
    expect(await playLongTone(s)).toMatch(/Started/);
    await s.bot.waitForLog('test fault: one frame sent without DAVE', 20_000);
    await waitForHeard(s, s.users.alice, performance.now(), 10);
    const violations = s.discord.voice.daveViolations();
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ kind: 'plaintext', listener: s.users.alice });
  });

  it('a bot that keeps the old epoch key is caught: the new member cannot decrypt it', async () => {
    const s = await faultyStack('stale-key');
    expect(await playLongTone(s)).toMatch(/Started/);
    await waitForHeard(s, s.users.alice, performance.now(), 25);
    const mark = performance.now();
    s.join(s.users.bob);
    await waitForTransition(s, mark, (t) => t.kind === 'commit' && t.added.includes(s.users.bob));
    await s.bot.waitForLog('test fault: commit ignored', 10_000);
    await s.discord.voice.recorder.feed.waitFor(
      () =>
        s.discord.voice.daveViolations().some((v) => v.listener === s.users.bob && v.kind === 'undecryptable')
          ? true
          : undefined,
      10_000,
      () => `undecryptable frames for bob: ${JSON.stringify(media(s).stats)}`,
    );
  });

  it('close 4017 (E2EE required, client offered no DAVE): one clear log line, a member-facing reply, no rejoin loop', async () => {
    const s = await faultyStack('no-dave-offer');
    const url = await s.media.tone({ hz: 520, seconds: 5, format: 'ogg' });
    const reply = await s.ask(s.users.alice, 'play', { query: url }, 30_000);
    expect(reply).toContain(ERRORS.VOICE_E2EE_REQUIRED);
    const log = await s.bot.waitForLog((l) =>
      /DAVE end-to-end encryption is required \(close 4017\)/.test(String(l.json?.msg)),
    );
    expect(log.json?.level).toBeGreaterThanOrEqual(50);
    expect(s.discord.voice.connections(s.guildId).every((c) => c.closeCode === 4017 || c.closedAt === undefined)).toBe(
      true,
    );
    const joins = voiceJoins(s);
    expect(joins).toBeLessThanOrEqual(2);
    // Given time, a looping client would keep rejoining; this one stays out.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(voiceJoins(s)).toBe(joins);
    expect(s.bot.exitInfo).toBeUndefined();
  });

  it('a client that cannot load davey: voice disabled with one log line, members told why, no join attempted', async () => {
    const s = await faultyStack('no-davey');
    await s.bot.waitForLog((l) =>
      /voice disabled: @discordjs\/voice could not load @snazzah\/davey/.test(String(l.json?.msg)),
    );
    const url = await s.media.tone({ hz: 520, seconds: 5, format: 'ogg' });
    expect(await s.ask(s.users.alice, 'play', { query: url })).toContain(ERRORS.VOICE_E2EE_UNAVAILABLE);
    expect(await s.ask(s.users.alice, 'play', { query: url })).toContain(ERRORS.VOICE_E2EE_UNAVAILABLE);
    expect(voiceJoins(s)).toBe(0);
    expect(s.bot.exitInfo).toBeUndefined();
  });
});
