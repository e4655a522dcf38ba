import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './harness.js';

/**
 * Queues survive restarts: a graceful one (SIGTERM: exit 0 within 10 s, queue saved) and a crash (SIGKILL at
 * any moment loses at most the last few seconds of position). On start-up the bot rejoins, resumes near where
 * it was, and says so in the channel.
 */
let stack: Stack;
let g: string;

beforeAll(async () => {
  stack = await startStack();
  g = stack.guildId;
  stack.join(stack.users.alice);
});

afterAll(async () => {
  await stack?.close();
});

const resumedAt = (text: string): number => {
  const match = /at (\d+):(\d\d)/.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : -1;
};

describe('restart resume', () => {
  it('SIGTERM during playback exits 0 within 10 s, and the restarted bot resumes the queue near its position', async () => {
    const a = await stack.media.tone({ hz: 450, seconds: 120, format: 'ogg' });
    const b = await stack.media.tone({ hz: 900, seconds: 60, format: 'mp3' });
    await stack.ask(stack.users.alice, 'play', { query: a });
    await stack.ask(stack.users.alice, 'play', { query: b });
    await stack.discord.voice.waitForFrequency(g, 450, { toleranceHz: 4, timeoutMs: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const sent = performance.now();
    const exit = await stack.bot.kill('SIGTERM', 15_000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(performance.now() - sent).toBeLessThan(10_000);
    const back = performance.now();
    await stack.restart();
    const note = await stack.discord.waitForChannelMessage(
      stack.textChannelId,
      (m) => /restarted/.test(m.content ?? '') && (m.at ?? 0) >= back,
      20_000,
    );
    expect(resumedAt(note.content ?? '')).toBeGreaterThanOrEqual(2);
    expect(note.content).toMatch(/1 more in the queue/);
    await stack.discord.voice.waitForFrequency(g, 450, { toleranceHz: 4, since: back, timeoutMs: 15_000 });
    expect(await stack.ask(stack.users.alice, 'queue')).toMatch(/900/);
  });

  it('SIGKILL mid-play loses at most a few seconds and keeps the queue', async () => {
    await new Promise((resolve) => setTimeout(resolve, 7000)); // past a 5 s checkpoint
    const killed = performance.now();
    const exit = await stack.bot.kill('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    await stack.restart();
    const note = await stack.discord.waitForChannelMessage(
      stack.textChannelId,
      (m) => /restarted/.test(m.content ?? '') && (m.at ?? 0) >= killed,
      20_000,
    );
    expect(resumedAt(note.content ?? '')).toBeGreaterThanOrEqual(5);
    expect(note.content).toMatch(/1 more in the queue/);
    await stack.discord.voice.waitForFrequency(g, 450, { toleranceHz: 4, since: killed, timeoutMs: 15_000 });
    const skip = stack.command(stack.users.alice, 'skip');
    await skip.reply();
    await stack.discord.voice.waitForFrequency(g, 900, { toleranceHz: 4, since: skip.dispatchedAt, timeoutMs: 15_000 });
  });

  it('a session the user stopped is not resumed', async () => {
    await stack.ask(stack.users.alice, 'stop');
    await stack.ask(stack.users.alice, 'leave').catch(() => undefined);
    await stack.bot.kill('SIGTERM');
    const back = performance.now();
    await stack.restart();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const notes = stack.discord
      .channelMessages(stack.textChannelId)
      .filter((m) => /restarted/.test(m.content ?? '') && ((m as { at?: number }).at ?? 0) >= back);
    expect(notes).toEqual([]);
  });
});
