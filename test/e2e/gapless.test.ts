import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFigure } from './figures.js';
import { startStack, type Stack } from './harness.js';

/**
 * One track runs into the next: the next track is opened before the current one ends, so the gap between the
 * last audible packet of one and the first audible packet of the next is a few 20 ms frames.
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

/**
 * The transition gap: the longest silence between consecutive audible packets in the two seconds before the
 * new tone was first heard (the switch lies in that window; anything else there is ordinary jitter).
 */
async function measureGap(toHz: number, since: number): Promise<{ audible: number; transport: number }> {
  const switched = await stack.discord.voice.waitForFrequency(g, toHz, {
    toleranceHz: 6,
    since,
    timeoutMs: 20_000,
    windowMs: 200,
  });
  const window = (p: { arrivalMs: number }) => p.arrivalMs >= switched.at - 2000 && p.arrivalMs <= switched.at;
  const capture = stack.discord.voice.capture(g, since);
  const audible = capture.audible().filter(window);
  // Transport: frames with content (not the F8 FF FE silence frame), however quiet they decode.
  const sent = capture
    .audible()
    .concat(capture.packets().filter((p) => !p.silence && !p.audible))
    .filter(window);
  sent.sort((a, b) => a.arrivalMs - b.arrivalMs);
  expect(audible.length).toBeGreaterThan(20);
  return { audible: longestGap(audible), transport: longestGap(sent) };
}

function longestGap(packets: readonly { arrivalMs: number }[]): number {
  let gap = 0;
  for (let i = 1; i < packets.length; i += 1)
    gap = Math.max(gap, (packets[i]?.arrivalMs ?? 0) - (packets[i - 1]?.arrivalMs ?? 0) - 20);
  return gap;
}

describe('gapless transitions', () => {
  it.each([
    ['Ogg/Opus → Ogg/Opus (passthrough)', 'ogg', 'ogg', 350, 750],
    ['MP3 → MP3 (ffmpeg)', 'mp3', 'mp3', 380, 780],
  ] as const)('%s', async (name, fromFormat, toFormat, fromHz, toHz) => {
    const a = await stack.media.tone({ hz: fromHz, seconds: 4, format: fromFormat });
    const b = await stack.media.tone({ hz: toHz, seconds: 4, format: toFormat });
    const play = stack.command(stack.users.alice, 'play', { query: a });
    await play.reply();
    await stack.ask(stack.users.alice, 'play', { query: b });
    await stack.discord.voice.waitForFrequency(g, fromHz, {
      toleranceHz: 6,
      since: play.dispatchedAt,
      timeoutMs: 15_000,
    });
    const gap = await measureGap(toHz, play.dispatchedAt);
    recordFigure(`inter_track_gap_ms ${name} (audible)`, gap.audible);
    recordFigure(`inter_track_gap_ms ${name} (transport)`, gap.transport);
    expect(gap.audible).toBeLessThan(1000); // a bound for a noisy shared machine; the figure is what matters
    await stack.ask(stack.users.alice, 'stop');
  });
});
