import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './harness.js';

/**
 * Direct HTTP files carry their length: the /play reply shows it, /nowplaying shows elapsed / total, and /seek
 * past the end is refused. Ogg gets it from a ranged GET of the file's end (the media server answers Range and
 * advertises `accept-ranges: bytes`); MP3 from its Info tag in the first bytes.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
  stack.join(stack.users.alice);
});

afterAll(async () => {
  await stack?.close();
});

afterEach(async () => {
  await stack.ask(stack.users.alice, 'stop');
});

/** Plays `url`, pauses at once (a 7 s track would otherwise end mid-test), and returns the /play reply. */
async function playPaused(url: string): Promise<string> {
  const reply = await stack.ask(stack.users.alice, 'play', { query: url });
  expect(await stack.ask(stack.users.alice, 'pause')).toMatch(/Paused/);
  return reply;
}

describe('durations of direct HTTP files', () => {
  it('Ogg/Opus: length in the /play reply, elapsed / total in /nowplaying, /seek past the end refused', async () => {
    const url = await stack.media.tone({ hz: 523, seconds: 7, format: 'ogg' });
    const reply = await playPaused(url);
    expect(reply).toMatch(/Started .*`0:07`/);
    const tailRequests = stack.media.requests.filter(
      (r) => r.path === new URL(url).pathname && r.headers.range === 'bytes=-65536',
    );
    expect(tailRequests).toHaveLength(1);
    expect(await stack.ask(stack.users.alice, 'nowplaying')).toMatch(/`0:0\d \/ 0:07`/);
    const seek = await stack.ask(stack.users.alice, 'seek', { position: '0:30' });
    expect(seek).toMatch(/outside the track/);
    expect(seek).not.toMatch(/Jumped/);
  });

  it('MP3: length from the Info tag, and /seek inside the track still works', async () => {
    const url = await stack.media.tone({ hz: 659, seconds: 7, format: 'mp3' });
    const reply = await playPaused(url);
    expect(reply).toMatch(/Started .*`0:07`/);
    expect(await stack.ask(stack.users.alice, 'nowplaying')).toMatch(/`0:0\d \/ 0:07`/);
    expect(await stack.ask(stack.users.alice, 'seek', { position: '0:30' })).toMatch(/outside the track/);
    expect(await stack.ask(stack.users.alice, 'seek', { position: '0:03' })).toMatch(/Jumped to `0:03`/);
  });
});
