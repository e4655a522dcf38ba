import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './harness.js';

/**
 * Sessions that nobody uses end by themselves, and what happens to the voice channel (moved, deleted) is
 * followed. Timeouts are shortened through the same environment variables a self-hoster sets.
 */
let stack: Stack;
let g: string;

beforeAll(async () => {
  stack = await startStack({ env: { IDLE_TIMEOUT: '2s', ALONE_TIMEOUT: '2s', CLEANUP_INTERVAL: '1s' } });
  g = stack.guildId;
});

afterAll(async () => {
  await stack?.close();
});

afterEach(() => {
  stack.join(stack.users.alice, stack.music);
});

/** The last voice-state update (gateway op 4) the bot sent for the guild: where it asked to be. */
const botVoiceChannel = (): string | null | undefined =>
  (
    stack.discord.gateway
      .opsOf(4)
      .filter((o) => (o.d as { guild_id?: string }).guild_id === g)
      .at(-1)?.d as { channel_id: string | null } | undefined
  )?.channel_id;

const waitForLeave = async (since: number, timeoutMs = 10_000): Promise<void> => {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const left = stack.discord.gateway
      .opsOf(4)
      .some((o) => o.at >= since && (o.d as { channel_id: unknown }).channel_id === null);
    if (left) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the bot did not leave the voice channel');
};

describe('idle and alone', () => {
  it('leaves after IDLE_TIMEOUT with nothing playing and says so', async () => {
    stack.join(stack.users.alice);
    const url = await stack.media.tone({ hz: 440, seconds: 1, format: 'ogg' });
    const play = stack.command(stack.users.alice, 'play', { query: url });
    await play.reply((m) => /Started/.test(m.content ?? ''), 20_000);
    expect(botVoiceChannel()).toBe(stack.music);
    await waitForLeave(play.dispatchedAt, 10_000);
    const note = await stack.discord.waitForChannelMessage(stack.textChannelId, (m) =>
      /Left the voice channel/.test(m.content ?? ''),
    );
    expect(note.content).toMatch(/nothing playing/);
    expect(await stack.ask(stack.users.alice, 'queue')).toMatch(/queue is empty/);
  });

  it('pauses at once when everyone leaves, resumes when someone comes back', async () => {
    stack.join(stack.users.alice);
    const url = await stack.media.tone({ hz: 520, seconds: 60, format: 'ogg' });
    await stack.ask(stack.users.alice, 'play', { query: url });
    await stack.discord.voice.waitForFrequency(g, 520, { toleranceHz: 4, timeoutMs: 15_000 });
    const left = performance.now();
    stack.join(stack.users.alice, stack.lounge);
    await stack.discord.voice.waitForSilence(g, 500, { since: left, timeoutMs: 5_000 });
    const back = performance.now();
    stack.join(stack.users.alice, stack.music);
    await stack.discord.voice.waitForFrequency(g, 520, { toleranceHz: 4, since: back, timeoutMs: 10_000 });
    await stack.ask(stack.users.alice, 'stop');
  });

  it('leaves after ALONE_TIMEOUT alone and keeps nothing', async () => {
    stack.join(stack.users.alice);
    const url = await stack.media.tone({ hz: 530, seconds: 60, format: 'ogg' });
    await stack.ask(stack.users.alice, 'play', { query: url }, 20_000);
    await stack.discord.voice.waitForFrequency(g, 530, { toleranceHz: 4, timeoutMs: 15_000 });
    const left = performance.now();
    stack.join(stack.users.alice, stack.lounge);
    await waitForLeave(left, 10_000);
    await stack.discord.waitForChannelMessage(stack.textChannelId, (m) => /nobody was listening/.test(m.content ?? ''));
  });
});

describe('24/7 and removal', () => {
  it('a 24/7 guild stays through idleness; turning it off lets it leave again', async () => {
    const owner = stack.discord.world.owner.id;
    const set = (enabled: boolean) =>
      stack.discord
        .sendCommand({ guildId: g, userId: owner, name: 'settings', subcommand: 'stay-247', options: { enabled } })
        .reply(undefined, 20_000);
    expect((await set(true)).content).toMatch(/Stay 24\/7: on/);
    stack.join(stack.users.alice);
    const url = await stack.media.tone({ hz: 470, seconds: 1, format: 'ogg' });
    const play = stack.command(stack.users.alice, 'play', { query: url });
    await play.reply((m) => /Started/.test(m.content ?? ''), 20_000);
    await new Promise((resolve) => setTimeout(resolve, 5000)); // 1 s track + 2 s IDLE_TIMEOUT + sweeps
    expect(
      stack.discord.gateway
        .opsOf(4)
        .some((o) => o.at >= play.dispatchedAt && (o.d as { channel_id: unknown }).channel_id === null),
    ).toBe(false);
    const off = performance.now();
    expect((await set(false)).content).toMatch(/Stay 24\/7: off/);
    await waitForLeave(off, 10_000); // the periodic sweep notices the idle session past its timeout
  });

  it('ends the session when the bot is removed from the guild', async () => {
    const extra = stack.discord.addGuild({ name: 'Elsewhere' });
    const alice = stack.users.alice;
    stack.discord.setUserVoiceChannel(extra.id, alice, stack.discord.world.voiceChannel(extra.id, 'Music').id);
    const url = await stack.media.tone({ hz: 480, seconds: 60, format: 'ogg' });
    const play = stack.discord.sendCommand({ guildId: extra.id, userId: alice, name: 'play', options: { query: url } });
    await play.reply((m) => /Started/.test(m.content ?? ''), 20_000);
    await stack.discord.voice.waitForFrequency(extra.id, 480, { toleranceHz: 4, timeoutMs: 15_000 });
    stack.discord.removeBotFromGuild(extra.id);
    await stack.bot.waitForLog((l) => l.json?.msg === 'session ended' && l.json?.guildId === extra.id);
    await stack.discord.voice.waitForSilence(extra.id, 1000, { timeoutMs: 10_000 });
  });
});

describe('the voice channel changes under the bot', () => {
  it('keeps playing when an admin moves it to another channel', async () => {
    stack.join(stack.users.alice);
    stack.join(stack.users.bob, stack.lounge);
    const url = await stack.media.tone({ hz: 610, seconds: 60, format: 'ogg' });
    await stack.ask(stack.users.alice, 'play', { query: url }, 20_000);
    await stack.discord.voice.waitForFrequency(g, 610, { toleranceHz: 4, timeoutMs: 15_000 });
    const moved = performance.now();
    stack.discord.moveBot(g, stack.lounge);
    await stack.discord.voice.waitForFrequency(g, 610, { toleranceHz: 4, since: moved + 500, timeoutMs: 10_000 });
    // Controls now belong to the listeners of the new channel.
    expect(await stack.ask(stack.users.bob, 'pause')).toMatch(/Paused/);
    expect(await stack.ask(stack.users.bob, 'stop')).toMatch(/Stopped/);
    stack.join(stack.users.bob, stack.music);
  });

  it('ends the session when its channel is deleted, and the next /play works', async () => {
    const extra = stack.discord.world.addChannel(g, 'voice', { name: 'Temp' });
    stack.join(stack.users.alice, extra.id);
    const url = await stack.media.tone({ hz: 630, seconds: 60, format: 'ogg' });
    await stack.ask(stack.users.alice, 'play', { query: url }, 20_000);
    await stack.discord.voice.waitForFrequency(g, 630, { toleranceHz: 4, timeoutMs: 15_000 });
    await stack.discord.deleteChannel(g, extra.id);
    await stack.bot.waitForLog((l) => l.json?.msg === 'session ended');
    stack.join(stack.users.alice, stack.music);
    const again = stack.command(stack.users.alice, 'play', { query: url });
    expect((await again.reply(undefined, 20_000)).content).toMatch(/Started/);
    await stack.discord.voice.waitForFrequency(g, 630, {
      toleranceHz: 4,
      since: again.dispatchedAt,
      timeoutMs: 15_000,
    });
    await stack.ask(stack.users.alice, 'stop');
  });
});
