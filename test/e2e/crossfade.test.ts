import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goertzelPower, SAMPLE_RATE, toMono } from '../offline-discord/audio.js';
import type { ReceivedPacket } from '../offline-discord/voice-capture.js';
import { askWith, sleep } from './commands-support.js';
import { recordFigure } from './figures.js';
import { freePort, startStack, type Stack, scrapeMetric } from './harness.js';

/**
 * `/settings crossfade`, judged from the audio: two 10 s passthrough tones (440 Hz, then 660 Hz) queued back to
 * back. With 3 s the last 3 s of the first and the first 3 s of the second are heard together, the first falling
 * while the second rises, and the rest of each plays alone at its own level, on passthrough; with 0 they follow
 * each other with no overlap, as before.
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

const metric = (series: string): Promise<number> => scrapeMetric(port, series, 0);

/** 100 ms analysis windows over the frames received (in the order sent: timing jitter does not smear them). */
const WINDOW_FRAMES = 5;
const WINDOW_S = (WINDOW_FRAMES * 20) / 1000;

interface Window {
  /** dB of each tone's power in this window (Hann-windowed Goertzel on the mono mix). */
  readonly a: number;
  readonly b: number;
}

function windows(packets: readonly ReceivedPacket[], hzA: number, hzB: number): Window[] {
  const frames = packets.filter((p) => !p.silence && p.pcm).map((p) => p.pcm as Int16Array);
  const out: Window[] = [];
  for (let i = 0; i + WINDOW_FRAMES <= frames.length; i += WINDOW_FRAMES) {
    const pcm = new Int16Array(WINDOW_FRAMES * frames[i]!.length);
    for (let k = 0; k < WINDOW_FRAMES; k += 1) pcm.set(frames[i + k]!, k * frames[i]!.length);
    const mono = toMono(pcm);
    const hann = mono.map((v, n) => v * (0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (mono.length - 1))));
    const db = (hz: number) => 10 * Math.log10(goertzelPower(hann, SAMPLE_RATE, hz) + 1e-12);
    out.push({ a: db(hzA), b: db(hzB) });
  }
  return out;
}

/**
 * Plays `a` then `b` and returns the analysis windows of everything heard until the second one ended, and
 * /nowplaying's text from the moment `b` became the louder tone.
 */
async function playPair(hzA: number, hzB: number): Promise<{ ws: Window[]; nowPlaying: string }> {
  const a = await stack.media.tone({ hz: hzA, seconds: 10, format: 'ogg' });
  const b = await stack.media.tone({ hz: hzB, seconds: 10, format: 'ogg' });
  const play = stack.command(alice, 'play', { query: a });
  await play.reply();
  await stack.ask(alice, 'play', { query: b });
  await stack.discord.voice.waitForFrequency(g, hzB, { since: play.dispatchedAt, toleranceHz: 6, timeoutMs: 30_000 });
  const nowPlaying = await stack.ask(alice, 'nowplaying');
  // B plays alone for a while after the overlap: passthrough, not ffmpeg, and nothing else left open.
  await sleep(4_000);
  expect(await metric('tunebot_streams{pipeline="passthrough"}')).toBe(1);
  expect(await metric('tunebot_streams{pipeline="ffmpeg"}')).toBe(0);
  await waitUntilIdle();
  const packets = stack.discord.voice.packets(g).filter((p) => p.arrivalMs >= play.dispatchedAt);
  return { ws: windows(packets, hzA, hzB), nowPlaying };
}

async function waitUntilIdle(timeoutMs = 30_000): Promise<void> {
  for (const deadline = performance.now() + timeoutMs; performance.now() < deadline; await sleep(250)) {
    if (/Nothing is playing/i.test(await stack.ask(alice, 'nowplaying'))) return;
  }
  throw new Error('the second track did not end');
}

/** A tone counts as present within 30 dB of its own steady level (the loudest tenth of its windows). */
function presence(ws: readonly Window[]) {
  const steady = (key: 'a' | 'b') => {
    const sorted = ws.map((w) => w[key]).sort((x, y) => y - x);
    return sorted[Math.floor(sorted.length / 10)]!;
  };
  const ref = { a: steady('a'), b: steady('b') };
  const has = (w: Window, key: 'a' | 'b') => w[key] > ref[key] - 30;
  const both = ws.map((w, i) => ({ i, w })).filter(({ w }) => has(w, 'a') && has(w, 'b'));
  const onlyA = ws.filter((w) => has(w, 'a') && !has(w, 'b')).length;
  const onlyB = ws.filter((w) => has(w, 'b') && !has(w, 'a')).length;
  return { ref, both, onlyA: onlyA * WINDOW_S, onlyB: onlyB * WINDOW_S, overlap: both.length * WINDOW_S };
}

describe('/settings crossfade', () => {
  it('with 3 s, the last 3 s of A and the first 3 s of B overlap, A falling while B rises; the rest plays alone', async () => {
    expect(await askWith(stack, owner, 'settings', { seconds: 3 }, 'crossfade')).toMatch(/Crossfade: 3 s/);
    const { ws, nowPlaying } = await playPair(440, 660);
    // B is current from the first mixed frame: when it becomes the louder tone (half-way through the overlap),
    // /nowplaying already shows it, about 1.5 s in.
    expect(nowPlaying).toMatch(/660\\?-10/); // the title is markdown-escaped
    const elapsed = /`(\d+):(\d\d) \//.exec(nowPlaying);
    expect(Number(elapsed?.[1]) * 60 + Number(elapsed?.[2])).toBeGreaterThanOrEqual(1);
    expect(Number(elapsed?.[1]) * 60 + Number(elapsed?.[2])).toBeLessThanOrEqual(4);
    const { ref, both, onlyA, onlyB, overlap } = presence(ws);
    recordFigure('crossfade_overlap_s 3 s setting', overlap);
    expect(overlap).toBeGreaterThan(2.4);
    expect(overlap).toBeLessThan(3.6);
    // One contiguous overlap (no window of only one tone inside it).
    expect(both.at(-1)!.i - both[0]!.i + 1).toBe(both.length);
    // The rest of each: about 7 s alone.
    expect(onlyA).toBeGreaterThan(6.4);
    expect(onlyA).toBeLessThan(7.6);
    expect(onlyB).toBeGreaterThan(6.4);
    expect(onlyB).toBeLessThan(7.6);
    // Equal-power curves: at 1/6 of the overlap A leads by ~11 dB, at 5/6 B does; in the middle both ~-3 dB.
    const at = (fraction: number) => both[Math.floor(fraction * (both.length - 1))]!.w;
    const early = at(1 / 6);
    const middle = at(1 / 2);
    const late = at(5 / 6);
    recordFigure('crossfade_alone_s A (3 s setting)', onlyA);
    recordFigure('crossfade_alone_s B (3 s setting)', onlyB);
    recordFigure('crossfade_mid_db A (3 s setting)', middle.a - ref.a);
    recordFigure('crossfade_mid_db B (3 s setting)', middle.b - ref.b);
    recordFigure('crossfade_lead_db A at 1/6', early.a - ref.a - (early.b - ref.b));
    recordFigure('crossfade_lead_db B at 5/6', late.b - ref.b - (late.a - ref.a));
    expect(early.a - ref.a - (early.b - ref.b)).toBeGreaterThan(6);
    expect(late.b - ref.b - (late.a - ref.a)).toBeGreaterThan(6);
    expect(early.a).toBeGreaterThan(middle.a);
    expect(middle.a).toBeGreaterThan(late.a);
    expect(early.b).toBeLessThan(middle.b);
    expect(middle.b).toBeLessThan(late.b);
    expect(middle.a - ref.a).toBeGreaterThan(-6);
    expect(middle.a - ref.a).toBeLessThan(-1);
    expect(middle.b - ref.b).toBeGreaterThan(-6);
    expect(middle.b - ref.b).toBeLessThan(-1);
    // Outside the overlap each tone plays at its own steady level (not faded).
    const beforeOverlap = ws.slice(5, both[0]!.i - 5);
    const afterOverlap = ws.slice(both.at(-1)!.i + 5, -5);
    for (const w of beforeOverlap) expect(Math.abs(w.a - ref.a)).toBeLessThan(1.5);
    for (const w of afterOverlap) expect(Math.abs(w.b - ref.b)).toBeLessThan(1.5);
  }, 90_000);

  it('chains: A into B into C, each overlap its own length; a skip mid-overlap cuts at once and leaves nothing open', async () => {
    expect(await askWith(stack, owner, 'settings', { seconds: 2 }, 'crossfade')).toMatch(/Crossfade: 2 s/);
    const tones = await Promise.all([500, 600, 700].map((hz) => stack.media.tone({ hz, seconds: 6, format: 'ogg' })));
    const play = stack.command(alice, 'play', { query: tones[0]! });
    await play.reply();
    for (const url of tones.slice(1)) await stack.ask(alice, 'play', { query: url });
    await waitUntilIdle();
    const packets = stack.discord.voice.packets(g).filter((p) => p.arrivalMs >= play.dispatchedAt);
    const ab = presence(windows(packets, 500, 600));
    const bc = presence(windows(packets, 600, 700));
    recordFigure('crossfade_overlap_s chain A→B (2 s setting)', ab.overlap);
    recordFigure('crossfade_overlap_s chain B→C (2 s setting)', bc.overlap);
    for (const pair of [ab, bc]) {
      expect(pair.overlap).toBeGreaterThan(1.5);
      expect(pair.overlap).toBeLessThan(2.5);
    }
    expect(await metric('tunebot_streams{pipeline="passthrough"}')).toBe(0);

    expect(await askWith(stack, owner, 'settings', { seconds: 4 }, 'crossfade')).toMatch(/Crossfade: 4 s/);
    const [a, b, c] = await Promise.all(
      [440, 660, 880].map((hz) => stack.media.tone({ hz, seconds: 8, format: 'ogg' })),
    );
    const start = stack.command(alice, 'play', { query: a! });
    await start.reply();
    await stack.ask(alice, 'play', { query: b! });
    await stack.ask(alice, 'play', { query: c! });
    await stack.discord.voice.waitForFrequency(g, 660, {
      since: start.dispatchedAt,
      toleranceHz: 6,
      timeoutMs: 30_000,
    });
    const skip = stack.command(alice, 'skip');
    await skip.reply();
    const heard = await stack.discord.voice.waitForFrequency(g, 880, {
      since: skip.dispatchedAt,
      toleranceHz: 6,
      timeoutMs: 10_000,
    });
    await sleep(1_500);
    // Both tracks of the overlap were released: only C's stream is open, and neither of them is heard any more
    // (each at least 40 dB under C in every window after the skip).
    expect(await metric('tunebot_streams{pipeline="passthrough"}')).toBe(1);
    const later = stack.discord.voice.packets(g).filter((p) => p.arrivalMs >= heard.at + 300);
    for (const [gone, ws] of [
      [440, windows(later, 440, 880)],
      [660, windows(later, 660, 880)],
    ] as const) {
      expect(ws.length, `windows after the skip (${gone} Hz)`).toBeGreaterThan(5);
      for (const w of ws) expect(w.b - w.a).toBeGreaterThan(40);
    }
    await stack.ask(alice, 'stop');
  }, 120_000);

  it('with 0, there is no overlap: A ends and B starts, as before', async () => {
    expect(await askWith(stack, owner, 'settings', { seconds: 0 }, 'crossfade')).toMatch(/Crossfade: off/);
    const { ws } = await playPair(470, 620);
    const { overlap, onlyA, onlyB } = presence(ws);
    recordFigure('crossfade_overlap_s 0 s setting', overlap);
    expect(overlap).toBeLessThanOrEqual(2 * WINDOW_S); // at most the window or two the switch falls in
    expect(onlyA).toBeGreaterThan(9.4);
    expect(onlyB).toBeGreaterThan(9.4);
  }, 90_000);
});
