import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanMessages } from './commands-support.js';
import { startStack, type Stack, freePort } from './harness.js';

/**
 * Voice faults against the real bot: the voice WebSocket closed with each code Discord uses, UDP dropped for
 * 3 s, the voice server moved. Each time playback must come back on its own (or, for a kick, end cleanly
 * with the next /play working), the process stays up with /healthz answering, and the queue keeps its
 * entries. One bot serves the whole file; every fault is injected into the same long-playing track.
 */
let stack: Stack;
let g: string;
let port: number;

async function expectAlive(): Promise<void> {
  expect(stack.bot.exitInfo, 'the bot process is still running').toBeUndefined();
  expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
}

/** The queue still lists the track queued behind the playing one. */
async function expectQueueKept(): Promise<void> {
  expect(await stack.ask(stack.users.alice, 'queue')).toMatch(/810/);
}

/** Audio at `hz` comes back within `ms` after `since`; returns how long it took. */
async function expectAudioBack(hz: number, since: number, ms = 15_000): Promise<number> {
  const heard = await stack.discord.voice.waitForFrequency(g, hz, {
    toleranceHz: 5,
    since,
    timeoutMs: ms,
    windowMs: 300,
  });
  return heard.at - since;
}

/**
 * After a voice WebSocket fault, audio must arrive over a connection opened after the fault (a resume or a
 * new identify), not just keep trickling in on the old one: waits for half a second of audible packets on
 * such a connection and returns when the first of them arrived.
 */
async function expectAudioOnNewConnection(hz: number, since: number, ms = 15_000): Promise<number> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    const fresh = stack.discord.voice
      .connections(g)
      .filter((c) => c.openedAt > since && c.closedAt === undefined)
      .map((c) => c.id);
    const audible = stack.discord.voice
      .packets(g)
      .filter((p) => p.arrivalMs > since && p.audible && fresh.includes(p.connectionId));
    if (audible.length >= 25) {
      const first = audible[0]!.arrivalMs;
      const heard = stack.discord.voice.frequencyBetween(g, first, audible.at(-1)!.arrivalMs);
      expect(Math.abs((heard ?? 0) - hz)).toBeLessThan(5);
      return first - since;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `no audio on a voice connection opened after the fault within ${ms} ms: ${JSON.stringify(stack.discord.voice.connections(g).map((c) => ({ id: c.id, opened: Math.round(c.openedAt - since), closed: c.closeCode, packets: c.packets })))}`,
  );
}

beforeAll(async () => {
  port = await freePort();
  stack = await startStack({ env: { HTTP_PORT: String(port) } });
  g = stack.guildId;
  stack.join(stack.users.alice);
  const a = await stack.media.tone({ hz: 410, seconds: 240, format: 'ogg' });
  const b = await stack.media.tone({ hz: 810, seconds: 30, format: 'ogg' });
  expect(await stack.ask(stack.users.alice, 'play', { query: a })).toMatch(/Started/);
  expect(await stack.ask(stack.users.alice, 'play', { query: b })).toMatch(/Queued/);
  await expectAudioBack(410, 0);
});

afterAll(async () => {
  await stack?.close();
});

describe('voice WebSocket closed by the server', () => {
  it.each([
    [4015, 'voice server crashed: resumed'],
    [1006, 'TCP dropped without a close frame: resumed'],
    [4006, 'session no longer valid: rejoined'],
    [4009, 'session timed out: rejoined'],
  ])('%i (%s): playback comes back by itself, nothing lost', async (code) => {
    const at = performance.now();
    stack.discord.voice.closeVoice(g, code);
    const took = await expectAudioOnNewConnection(410, at);
    expect(took).toBeLessThan(15_000);
    await expectQueueKept();
    await expectAlive();
  });
});

describe('network faults', () => {
  it('3 s UDP blackout: audio returns when packets get through again, the session never noticed', async () => {
    const at = performance.now();
    stack.discord.voice.blackoutUdp(g, 3000);
    const took = await expectAudioBack(410, at + 3000);
    expect(took).toBeLessThan(3000 + 5000);
    expect(stack.bot.logs.some((l) => l.json?.msg === 'session ended' && l.at > at)).toBe(false);
    await expectQueueKept();
    await expectAlive();
  });

  it('voice server moved (new VOICE_SERVER_UPDATE): reconnects to the new endpoint and keeps playing', async () => {
    const at = performance.now();
    const target = stack.discord.voice.moveVoiceServer(g);
    await expectAudioOnNewConnection(410, at);
    expect(stack.discord.voice.activeConnection(g)?.server).toBe(target.name);
    await expectQueueKept();
    await expectAlive();
  });
});

/** When each session-ending voice fault happened, to look for the channel notice afterwards. */
const endedAt: Record<string, number> = {};

describe('kicked', () => {
  it('4014 with the bot disconnected: the session ends cleanly and the next /play works', async () => {
    const at = performance.now();
    await stack.discord.voice.kick(g);
    await stack.bot.waitForLog((l) => l.json?.msg === 'session ended' && l.at > at, 15_000);
    endedAt.kick = at;
    await expectAlive();
    const url = await stack.media.tone({ hz: 620, seconds: 30, format: 'ogg' });
    const again = stack.command(stack.users.alice, 'play', { query: url });
    expect((await again.reply(undefined, 20_000)).content).toMatch(/Started/);
    await expectAudioBack(620, again.dispatchedAt);
  });

  it('4014 alone (no voice state change, as when a channel is being moved): the bot either recovers or ends the session, and /play works after', async () => {
    const at = performance.now();
    stack.discord.voice.closeVoice(g, 4014);
    // @discordjs/voice waits up to 5 s for Discord to reconnect it (a move); the fake sends nothing more.
    const outcome = await Promise.race([
      stack.bot.waitForLog((l) => l.json?.msg === 'session ended' && l.at > at, 20_000).then(() => 'ended' as const),
      stack.discord.voice
        .waitForFrequency(g, 620, { toleranceHz: 5, since: at + 6000, timeoutMs: 20_000 })
        .then(() => 'playing' as const),
    ]);
    expect(['ended', 'playing']).toContain(outcome);
    if (outcome === 'ended') endedAt.alone4014 = at;
    await expectAlive();
    const url = await stack.media.tone({ hz: 720, seconds: 30, format: 'ogg' });
    const again = stack.command(stack.users.alice, 'play', { query: url });
    expect((await again.reply(undefined, 20_000)).content).toMatch(/Started|Queued/);
  });

  // When voice ends a session on its own (kicked, or a 4014 not followed by a move), the channel is told why.
  it('a session ended by voice is explained in the text channel', () => {
    expect(Object.keys(endedAt).length).toBeGreaterThan(0);
    for (const [fault, at] of Object.entries(endedAt)) {
      const notices = stack.discord.messages.snapshots.filter(
        (m) => m.at > at && m.source === 'channel-create' && /disconnected|voice connection/.test(m.content),
      );
      expect(notices.length, `a notice after ${fault}`).toBeGreaterThan(0);
    }
  });

  it('never logged an uncaught exception or unhandled rejection, and every message stayed clean', () => {
    expect(
      stack.bot.logs
        .filter((l) => /uncaught exception|unhandled promise rejection/.test(String(l.json?.msg ?? l.line)))
        .map((l) => l.line),
    ).toEqual([]);
    expectCleanMessages(stack);
  });
});
