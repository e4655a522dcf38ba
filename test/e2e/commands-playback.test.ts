import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanMessages, meanRms, sleep, tone, toneTitle } from './commands-support.js';
import { startStack, type Stack } from './harness.js';

/**
 * The commands that change what is heard, checked by ear: the fake decodes the bot's Opus and measures the
 * tone's pitch and loudness. One listener (alice) and no DJ role, so every control applies directly.
 */
let stack: Stack;
let g: string;
let alice: string;

beforeAll(async () => {
  stack = await startStack();
  g = stack.guildId;
  alice = stack.users.alice;
  stack.join(alice);
});

afterAll(async () => {
  await stack?.close();
});

// Each test starts from silence, whatever the previous one left playing.
afterEach(async () => {
  if (stack.discord.world.guild(g).voiceStates.has(stack.discord.world.bot.id)) await stack.ask(alice, 'stop');
});

/** Plays a tone and waits until it is heard. */
async function playAndHear(hz: number, seconds = 60, tag?: string): Promise<void> {
  const play = stack.command(alice, 'play', { query: await tone(stack, hz, seconds, tag) });
  expect((await play.reply()).content).toMatch(/Started/);
  await hear(hz, play.dispatchedAt);
}

const hear = (hz: number, since: number, timeoutMs = 15_000) =>
  stack.discord.voice.waitForFrequency(g, hz, { toleranceHz: 6, since, timeoutMs });

describe('queue placement and navigation', () => {
  it('/play position:next goes first in line and position:now replaces the current track at once', async () => {
    await playAndHear(300);
    expect(await stack.ask(alice, 'play', { query: await tone(stack, 400) })).toMatch(/Queued .* position #1/);
    expect(await stack.ask(alice, 'play', { query: await tone(stack, 500), position: 'next' })).toMatch(
      /Queued .* position #1/,
    );
    const now = stack.command(alice, 'play', { query: await tone(stack, 600), position: 'now' });
    expect((await now.reply()).content).toMatch(/Started .*600/);
    await hear(600, now.dispatchedAt);
    const queue = await stack.ask(alice, 'queue');
    expect(queue).toMatch(/Now playing:.*600/);
    expect(queue.split('\n').find((l) => l.startsWith('`1.`'))).toMatch(toneTitle(500));
    expect(queue.split('\n').find((l) => l.startsWith('`2.`'))).toMatch(toneTitle(400));

    // /skip count, /previous and /skipto: playing 600; upcoming 500, 400; add 700.
    await stack.ask(alice, 'play', { query: await tone(stack, 700) });
    const skip = stack.command(alice, 'skip', { count: 2 });
    expect((await skip.reply()).content).toMatch(/Skipped .*600.* and 1 more\. Up now: .*400/);
    await hear(400, skip.dispatchedAt);
    const back = stack.command(alice, 'previous');
    expect((await back.reply()).content).toMatch(/Back to .*500/);
    await hear(500, back.dispatchedAt);
    const jump = stack.command(alice, 'skipto', { position: 2 });
    expect((await jump.reply()).content).toMatch(/Jumped to .*700/);
    await hear(700, jump.dispatchedAt);
    expect(await stack.ask(alice, 'skipto', { position: 1 })).toMatch(/❌ The queue is empty/);
    expect(await stack.ask(alice, 'skip', { count: 5 })).toMatch(/❌ .*skip only 1 track/);
    await stack.ask(alice, 'play', { query: await tone(stack, 700, 60, 'second') });
    expect(await stack.ask(alice, 'skipto', { position: 9 })).toMatch(/❌ .*has 1 track; pick 1/);
  });
});

describe('/seek', () => {
  it('jumps to an absolute position: the end of the track comes early', async () => {
    await playAndHear(350, 30);
    await stack.ask(alice, 'play', { query: await tone(stack, 450, 30) });
    const seek = stack.command(alice, 'seek', { position: '0:27' });
    expect((await seek.reply()).content).toMatch(/Jumped to `0:27`/);
    // Without the seek the 450 Hz track would start 27 s from now.
    await hear(450, seek.dispatchedAt, 10_000);
  });

  it('jumps relative to where playback is, and refuses what is not a position', async () => {
    await playAndHear(450, 60, 'relative');
    expect(await stack.ask(alice, 'seek', { position: '+20' })).toMatch(/Jumped to `0:2\d`/);
    expect(await stack.ask(alice, 'seek', { position: '-15' })).toMatch(/Jumped to `0:(0\d|1\d)`/);
    expect(await stack.ask(alice, 'seek', { position: '-1:00' })).toMatch(/Jumped to `0:00`/);
    await hear(450, performance.now());
    expect(await stack.ask(alice, 'seek', { position: 'soon' })).toMatch(/❌ Give a position like `1:23`/);
    expect(await stack.ask(alice, 'seek', { position: '1:75' })).toMatch(/❌ Give a position/);
  });
});

describe('/loop', () => {
  it('track repeats the current track, off lets the queue move on, queue cycles it', async () => {
    const play = stack.command(alice, 'play', { query: await tone(stack, 520, 2) });
    await play.reply();
    await stack.ask(alice, 'play', { query: await tone(stack, 620, 2) });
    expect(await stack.ask(alice, 'loop', { mode: 'track' })).toMatch(/Looping this track/);
    await hear(520, play.dispatchedAt);
    await sleep(4_500); // two more plays of the 2 s track
    const t = performance.now();
    expect(stack.discord.voice.frequencyBetween(g, t - 1_000, t)).toBeCloseTo(520, -1);
    expect(await stack.ask(alice, 'nowplaying')).toMatch(/repeating this track/);
    const off = stack.command(alice, 'loop', { mode: 'off' });
    expect((await off.reply()).content).toMatch(/Looping is off/);
    await hear(620, off.dispatchedAt, 8_000);
    // 620 is the last track: with loop queue it plays again instead of the queue running out.
    await stack.ask(alice, 'play', { query: await tone(stack, 520, 2, 'again') });
    expect(await stack.ask(alice, 'loop', { mode: 'queue' })).toMatch(/Looping the queue/);
    const mark = performance.now();
    const first = await hear(520, mark, 8_000);
    await hear(620, first.at + 500, 8_000);
    await hear(520, performance.now(), 8_000);
  });
});

describe('/volume', () => {
  it('halving the volume halves the level; without a value it says the volume', async () => {
    await playAndHear(440, 60, 'volume');
    const start = performance.now();
    await sleep(1_200);
    const full = meanRms(stack, start, performance.now());
    const set = stack.command(alice, 'volume', { percent: 50 });
    expect((await set.reply()).content).toMatch(/Volume set to 50%/);
    await sleep(2_000);
    const mark = performance.now();
    await sleep(1_200);
    const half = meanRms(stack, mark, performance.now());
    expect(half / full).toBeGreaterThan(0.35);
    expect(half / full).toBeLessThan(0.65);
    expect(await stack.ask(alice, 'volume')).toMatch(/volume is 50%/);
    expect(await stack.ask(alice, 'nowplaying')).toMatch(/volume 50%/);
    await stack.ask(alice, 'volume', { percent: 100 });
  });
});

describe('/nowplaying, /stop and /leave', () => {
  it('/nowplaying shows title, requester, elapsed/total with a bar, loop state and next up', async () => {
    await playAndHear(480, 60, 'np');
    await stack.ask(alice, 'play', { query: await tone(stack, 580, 60, 'np') });
    await sleep(1_200);
    const text = await stack.ask(alice, 'nowplaying');
    expect(text).toMatch(/Now playing: \*\*480\\-60\*\*/);
    expect(text).toMatch(/🔘|🔴/);
    expect(text).toMatch(/`0:0[1-9] \/ 1:00`/);
    expect(text).toMatch(/Requested by alice · no repeat/i);
    expect(text).toMatch(/Next up: 580\\-60/);
  });

  it('/stop silences and empties the queue; /leave leaves the channel', async () => {
    await playAndHear(490, 60, 'stop');
    const stop = stack.command(alice, 'stop');
    expect((await stop.reply()).content).toMatch(/Stopped and cleared/);
    await stack.discord.voice.waitForSilence(g, 1_000, { since: stop.dispatchedAt, timeoutMs: 10_000 });
    expect(await stack.ask(alice, 'queue')).toMatch(/empty/);
    expect(await stack.ask(alice, 'leave')).toMatch(/Left the voice channel/);
    const botId = stack.discord.world.bot.id;
    for (let i = 0; i < 50 && stack.discord.world.guild(g).voiceStates.has(botId); i += 1) await sleep(100);
    expect(stack.discord.world.guild(g).voiceStates.has(botId)).toBe(false);
    expect(await stack.ask(alice, 'pause')).toMatch(/❌ Nothing is playing/);
    expectCleanMessages(stack);
  });
});
