import { cpus, loadavg } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbfs } from '../offline-discord/audio.js';
import { askWith, meanRms, sleep } from './commands-support.js';
import { recordFigure } from './figures.js';
import { freePort, startStack, type Stack, scrapeMetric } from './harness.js';

/**
 * Loudness normalization, judged from the audio: a -30 dBFS and a -6 dBFS tone queued back to back are heard at
 * the same level with it on and 24 dB apart with it off; a tone already at the target stays on passthrough; a
 * second play of a track needs no analysis (a cache hit on /metrics).
 */
let stack: Stack;
let g: string;
let alice: string;
let owner: string;
let port: number;

beforeAll(async () => {
  port = await freePort();
  stack = await startStack({ env: { HTTP_PORT: String(port) } });
  g = stack.guildId;
  alice = stack.users.alice;
  owner = stack.discord.world.owner.id;
  stack.join(alice);
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

const metric = (series: string): Promise<number> => scrapeMetric(port, series);

async function waitForMetric(series: string, atLeast: number, timeoutMs = 60_000): Promise<void> {
  for (const deadline = performance.now() + timeoutMs; performance.now() < deadline; await sleep(200)) {
    if ((await metric(series)) >= atLeast) return;
  }
  throw new Error(`${series} did not reach ${atLeast}`);
}

/** Stretched only while the shared machine is overloaded (analysis runs at the lowest priority). */
const slack = (ms: number): number => (loadavg()[0]! / cpus().length > 2 ? ms * 4 : ms);

const ANALYSES = 'tunebot_loudness_analyses_total{outcome="ok"}';
const HITS = 'tunebot_loudness_cache_hits_total';

async function setNormalize(enabled: boolean): Promise<void> {
  expect(await askWith(stack, owner, 'settings', { enabled }, 'normalize')).toMatch(
    new RegExp(`Loudness normalization: ${enabled ? 'on' : 'off'}`),
  );
}

/** Level (dBFS, mean of per-frame RMS) of `hz` once it has played steadily: 1 s measured after `settleMs`. */
async function levelOf(hz: number, since: number, settleMs: number): Promise<number> {
  const heard = await stack.discord.voice.waitForFrequency(g, hz, { since, toleranceHz: 6, timeoutMs: 60_000 });
  await sleep(Math.max(0, heard.at + settleMs - performance.now()));
  const from = performance.now();
  await sleep(1_000);
  expect(stack.discord.voice.frequencyBetween(g, from, performance.now())).toBeCloseTo(hz, -1);
  return dbfs(meanRms(stack, from, performance.now()));
}

describe('loudness normalization', () => {
  it('plays a -30 dBFS and a -6 dBFS tone within 1.5 dB of each other, and skips the analysis on a second play', async () => {
    await setNormalize(true);
    const quiet = await stack.media.tone({ hz: 440, seconds: 24, format: 'ogg', db: -30 });
    const loud = await stack.media.tone({ hz: 660, seconds: 24, format: 'ogg', db: -6 });
    const play = stack.command(alice, 'play', { query: quiet });
    await play.reply();
    await stack.ask(alice, 'play', { query: loud });
    // The quiet tone starts as it is and switches to its gain in place once measured (both are measured now).
    await waitForMetric(ANALYSES, 2, slack(20_000));
    const quietLevel = await levelOf(440, performance.now(), slack(2_000));
    const loudLevel = await levelOf(660, play.dispatchedAt, 1_500);
    recordFigure('normalized_level_difference_db', Math.abs(quietLevel - loudLevel));
    recordFigure('normalized_level_dbfs', loudLevel);
    expect(Math.abs(quietLevel - loudLevel)).toBeLessThan(1.5);
    expect(loudLevel).toBeGreaterThan(-19); // about -14 LUFS: a stereo sine's RMS of about -17 dBFS
    expect(loudLevel).toBeLessThan(-14);

    // Second play of the quiet tone: known already, so it starts normalized and no analysis runs.
    const hits = await metric(HITS);
    await stack.ask(alice, 'stop');
    const again = stack.command(alice, 'play', { query: quiet });
    await again.reply();
    const replayLevel = await levelOf(440, again.dispatchedAt, 500);
    expect(Math.abs(replayLevel - loudLevel)).toBeLessThan(1.5);
    expect(await metric(ANALYSES)).toBe(2);
    expect(await metric(HITS)).toBeGreaterThan(hits);
    await stack.ask(alice, 'stop');
  }, 180_000);

  it('leaves a tone already at the target on passthrough', async () => {
    const analyses = await metric(ANALYSES);
    // A stereo sine peaking at -13 dBFS measures about -13.7 LUFS: within 1 LU of the -14 target.
    const play = stack.command(alice, 'play', {
      query: await stack.media.tone({ hz: 500, seconds: 30, format: 'ogg', db: -13 }),
    });
    await play.reply();
    await stack.discord.voice.waitForFrequency(g, 500, { since: play.dispatchedAt, toleranceHz: 6, timeoutMs: 20_000 });
    await waitForMetric(ANALYSES, analyses + 1, slack(20_000));
    await sleep(1_500); // time for a restyle, if one (wrongly) happened
    expect(await metric('tunebot_streams{pipeline="passthrough"}')).toBe(1);
    expect(await metric('tunebot_streams{pipeline="ffmpeg"}')).toBe(0);
    await stack.ask(alice, 'stop');
  }, 90_000);

  it('with it off, the same two tones are 24 dB apart', async () => {
    await setNormalize(false);
    const play = stack.command(alice, 'play', {
      query: `${await stack.media.tone({ hz: 440, seconds: 24, format: 'ogg', db: -30 })}?off`,
    });
    await play.reply();
    await stack.ask(alice, 'play', {
      query: `${await stack.media.tone({ hz: 660, seconds: 24, format: 'ogg', db: -6 })}?off`,
    });
    const quietLevel = await levelOf(440, play.dispatchedAt, 1_000);
    await stack.ask(alice, 'skip');
    const loudLevel = await levelOf(660, performance.now(), 1_000);
    recordFigure('unnormalized_level_difference_db', loudLevel - quietLevel);
    expect(Math.abs(loudLevel - quietLevel - 24)).toBeLessThan(1.5);
  }, 90_000);
});
