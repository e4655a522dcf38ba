import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSourcesStack, type SourcesStack } from './sources-support.js';

/**
 * A bot whose owner has not installed yt-dlp (YTDLP_PATH names a missing file) nor set up Spotify: the links
 * that need them get a message saying what the owner must do, and everything else still plays.
 */
let stack: SourcesStack;

beforeAll(async () => {
  stack = await startSourcesStack({
    env: ({ defaults, dir }) => ({
      ...defaults,
      YTDLP_PATH: join(dir, 'no-such-dir', 'yt-dlp'),
      SPOTIFY_CLIENT_ID: undefined,
      SPOTIFY_CLIENT_SECRET: undefined,
      SPOTIFY_REFRESH_TOKEN: undefined,
    }),
  });
  stack.join(stack.users.alice);
});

afterAll(async () => {
  await stack?.close();
});

it.each([
  ['a YouTube link', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ'],
  ['a YouTube Music link', 'https://music.youtube.com/watch?v=lYBUbBu4W08'],
  ['a plain-text search', 'never gonna give you up'],
  ['a SoundCloud link', 'https://soundcloud.com/rick-astley-official/never-gonna-give-you-up-4'],
])('%s says the owner needs to install yt-dlp', async (_name, query) => {
  const reply = await stack.ask(stack.users.alice, 'play', { query });
  expect(reply).toMatch(/its owner needs to install yt-dlp \(or set YTDLP_PATH\)/);
  expect(stack.ytdlp.spawns()).toBe(0);
});

it('a Spotify link without credentials names SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET', async () => {
  const reply = await stack.ask(stack.users.alice, 'play', {
    query: 'https://open.spotify.com/track/4PTG3Z6ehGkBFwjybzWkR8',
  });
  expect(reply).toMatch(/Spotify links aren't set up on this bot/);
  expect(reply).toMatch(/SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET/);
});

it('direct links still play', async () => {
  const url = await stack.media.tone({ hz: 620, seconds: 20, format: 'ogg' });
  const cmd = stack.command(stack.users.alice, 'play', { query: url });
  expect((await cmd.reply(undefined, 20_000)).content).toMatch(/Started/);
  await stack.discord.voice.waitForFrequency(stack.guildId, 620, {
    toleranceHz: 4,
    since: cmd.dispatchedAt,
    timeoutMs: 15_000,
  });
  await stack.ask(stack.users.alice, 'stop');
});
