import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageSnapshot } from '../offline-discord/index.js';
import {
  askWith,
  buttonId,
  buttonsOf,
  CHANNEL_OPTION,
  expectCleanMessages,
  press,
  ROLE_OPTION,
  sleep,
  tone,
} from './commands-support.js';
import { startStack, type Stack } from './harness.js';

/**
 * The now-playing buttons (on /nowplaying and on the announcement posted when a track starts): each press
 * is acknowledged with a deferred update first, then acts under the same rules as its command, then redraws
 * the message in place. Audio is checked wherever a press changes what is heard.
 */
let stack: Stack;
let g: string;
let alice: string;
let bob: string;
let owner: string;
/** The tone that plays after the first one (whatever the shuffle button made of the queue). */
let nextHz = 0;

beforeAll(async () => {
  stack = await startStack();
  g = stack.guildId;
  ({ alice, bob } = stack.users);
  owner = stack.discord.world.owner.id;
  stack.join(alice);
});

afterAll(async () => {
  await stack?.close();
});

const CALLBACK = '/interactions/{interaction_id}/{interaction_token}/callback';
const hear = (hz: number, since: number, timeoutMs = 15_000) =>
  stack.discord.voice.waitForFrequency(g, hz, { toleranceHz: 6, since, timeoutMs });
const silence = (since: number) => stack.discord.voice.waitForSilence(g, 800, { since, timeoutMs: 10_000 });

async function nowPlaying(userId = alice): Promise<MessageSnapshot> {
  return stack.command(userId, 'nowplaying').reply((m) => m.content.length > 0);
}

/** Presses and checks the acknowledgement came first and was a deferred update (type 6). */
async function pressed(userId: string, message: MessageSnapshot, action: string) {
  const handle = press(stack, userId, message.messageId, buttonId(message, action));
  expect((await handle.firstRequest()).route).toBe(CALLBACK);
  expect((await handle.callback()).type).toBe(6);
  return handle;
}

describe('now-playing buttons', () => {
  it('pause/resume toggles playback and redraws the message in place', async () => {
    const play = stack.command(alice, 'play', { query: await tone(stack, 330) });
    await play.reply();
    await hear(330, play.dispatchedAt);
    await stack.ask(alice, 'play', { query: await tone(stack, 430) });
    await stack.ask(alice, 'play', { query: await tone(stack, 530) });
    const message = await nowPlaying();
    expect(buttonsOf(message).map((b) => b.label)).toEqual([
      '⏸️ Pause',
      '⏭️ Skip',
      '⏹️ Stop',
      '🔁 Loop: off',
      '🔀 Shuffle',
    ]);

    const pause = await pressed(alice, message, 'pause');
    const paused = await pause.reply((m) => m.messageId === message.messageId && /^⏸️ Paused/.test(m.content));
    expect(buttonsOf(paused)[0]?.label).toBe('▶️ Resume');
    await silence(pause.dispatchedAt);
    const resume = await pressed(alice, paused, 'pause');
    const playing = await resume.reply((m) => /^🎶 Now playing/.test(m.content));
    expect(buttonsOf(playing)[0]?.label).toBe('⏸️ Pause');
    await hear(330, resume.dispatchedAt);
  });

  it('loop cycles off → track → queue → off, and shuffle redraws', async () => {
    let message = await nowPlaying();
    for (const mode of ['track', 'queue', 'off']) {
      const handle = await pressed(alice, message, 'loop');
      message = await handle.reply((m) => buttonsOf(m).some((b) => b.label === `🔁 Loop: ${mode}`));
      expect(message.content).toContain(
        { track: 'repeating this track', queue: 'repeating the queue', off: 'no repeat' }[mode],
      );
    }
    const shuffle = await pressed(alice, message, 'shuffle');
    const shuffled = await shuffle.reply(
      (m) => m.messageId === message.messageId && /Next up: (430|530)/.test(m.content),
    );
    nextHz = Number(/Next up: (\d+)/.exec(shuffled.content)?.[1]);
  });

  it('skip changes the track, takes the buttons off, and old buttons then refuse to act', async () => {
    const message = await nowPlaying();
    const skip = await pressed(alice, message, 'skip');
    const done = await skip.reply((m) =>
      new RegExp(`Skipped .*330.* Up now: .*${nextHz}.*\\(by alice\\)`, 'i').test(m.content),
    );
    expect(buttonsOf(done)).toEqual([]);
    await hear(nextHz, skip.dispatchedAt);
    const stale = press(stack, alice, message.messageId, buttonId(message, 'stop'));
    expect((await stale.callback()).type).toBe(6);
    const notice = await stale.reply((m) => m.ephemeral);
    expect(notice.content).toMatch(/❌ Those buttons belong to a track that is no longer playing/);
    await hear(nextHz, stale.dispatchedAt); // nothing stopped
  });

  it('follows the DJ rules: refusals are private, a non-DJ skip is a vote shown on the message', async () => {
    const dj = stack.discord.world.addRole(g, 'DJ', 0n).id;
    await askWith(stack, owner, 'settings', [{ name: 'role', type: ROLE_OPTION, value: dj }], 'dj-role');
    stack.join(bob);
    stack.join(stack.users.carol);
    const message = await nowPlaying(bob);
    const stop = await pressed(bob, message, 'stop');
    expect((await stop.reply((m) => m.ephemeral)).content).toMatch(/❌ Only DJs can stop playback/);
    const vote = await pressed(bob, message, 'skip');
    const redrawn = await vote.reply((m) => m.messageId === message.messageId);
    expect(redrawn.content).toMatch(new RegExp(`🗳️ Bob voted to skip .*${nextHz}.*: 1/2 votes`));
    expect(buttonsOf(redrawn)).toHaveLength(5);
    const again = await pressed(bob, message, 'skip');
    expect((await again.reply((m) => m.ephemeral)).content).toMatch(/You already voted .*1\/2 votes/);
    stack.join(bob, stack.lounge);
    const outside = await pressed(bob, message, 'pause');
    expect((await outside.reply((m) => m.ephemeral)).content).toMatch(/❌ You need to be in my voice channel/);
    await hear(nextHz, stop.dispatchedAt);
    stack.join(stack.users.carol, stack.lounge);
    await askWith(stack, owner, 'settings', {}, 'dj-role');
  });

  it('stop silences playback and takes the buttons off', async () => {
    const message = await nowPlaying();
    const stop = await pressed(alice, message, 'stop');
    const done = await stop.reply((m) => /Stopped and cleared the queue\. \(by alice\)/i.test(m.content));
    expect(buttonsOf(done)).toEqual([]);
    await silence(stop.dispatchedAt);
  });
});

describe('now-playing announcements', () => {
  const announced = (channelId: string, hz: number, after: number) =>
    stack.discord.waitForChannelMessage(
      channelId,
      (m) => m.source === 'channel-create' && m.at >= after && m.content.includes(`${hz}\\-`),
      15_000,
    );

  it('keeps one player message that follows the tracks; a skip pressed on it is answered privately', async () => {
    const mark = performance.now();
    const shows = (hz: number) => (m: MessageSnapshot) =>
      m.at >= mark && m.interactionId === undefined && m.content.includes(`Now playing: **${hz}\\-`);
    await stack.ask(alice, 'play', { query: await tone(stack, 340, 2) });
    await stack.ask(alice, 'play', { query: await tone(stack, 440, 60, 'announce') });
    const first = await stack.discord.waitForChannelMessage(stack.textChannelId, shows(340), 15_000);
    expect(buttonsOf(first)).toHaveLength(5);
    expect(first.allowedMentions).toMatchObject({ parse: [] });
    const second = await stack.discord.waitForChannelMessage(stack.textChannelId, shows(440), 15_000);
    expect(second.messageId).toBe(first.messageId);
    expect(stack.discord.messages.snapshots.filter((m) => m.at >= mark && m.source === 'channel-create')).toHaveLength(
      first.source === 'channel-create' ? 1 : 0,
    );

    const skip = await pressed(alice, second, 'skip'); // the queue runs out: the message says so and loses its buttons
    expect((await skip.reply((m) => m.ephemeral)).content).toMatch(/Skipped .*440.*queue is empty/);
    const idle = await stack.discord.waitForChannelMessage(
      stack.textChannelId,
      (m) => m.messageId === first.messageId && /Nothing is playing/.test(m.content),
    );
    expect(buttonsOf(idle)).toEqual([]);
    await silence(skip.dispatchedAt);
  });

  it('goes to the announce channel when set, and nowhere when turned off', async () => {
    const log = stack.discord.world.addChannel(g, 'text', { name: 'music-log' });
    await askWith(
      stack,
      owner,
      'settings',
      [{ name: 'channel', type: CHANNEL_OPTION, value: log.id }],
      'announce-channel',
    );
    let mark = performance.now();
    await stack.ask(alice, 'play', { query: await tone(stack, 350, 60, 'log') });
    await announced(log.id, 350, mark);
    await stack.ask(alice, 'stop');
    await askWith(stack, owner, 'settings', { enabled: false }, 'announce');
    mark = performance.now();
    const play = stack.command(alice, 'play', { query: await tone(stack, 360, 60, 'quiet') });
    await play.reply();
    await hear(360, play.dispatchedAt);
    await sleep(500);
    const posts = stack.discord.messages.snapshots.filter((s) => s.source === 'channel-create' && s.at >= mark);
    expect(posts).toEqual([]);
    await stack.ask(alice, 'stop');
    await askWith(stack, owner, 'settings', { enabled: true }, 'announce');
  });
});

describe('message hygiene', () => {
  it('every message disables mentions and shows no internals', () => {
    expectCleanMessages(stack);
  });
});
