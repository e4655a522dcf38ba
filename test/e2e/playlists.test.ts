import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanMessages, tone, toneTitle } from './commands-support.js';
import { startStack, type Stack } from './harness.js';

/**
 * Saved playlists as members meet them: save the queue, stop, load it back in order; private to the member
 * (another member sees and reaches none of it); limits and bad names refused with clear text; kept across a
 * restart; exported as an M3U file that `/play file:` reads back.
 */
let stack: Stack;
let g: string;
let alice: string;
let bob: string;
const urls: string[] = [];

const pl = async (userId: string, subcommand: string, options: Record<string, string | boolean> = {}) => {
  const handle = stack.discord.sendCommand({ guildId: g, userId, name: 'playlist', subcommand, options });
  return handle.reply(undefined, 25_000);
};
const text = async (userId: string, subcommand: string, options: Record<string, string | boolean> = {}) =>
  (await pl(userId, subcommand, options)).content ?? '';
const upNext = (queue: string): string[] => queue.split('\n').filter((l) => /^`\d+\.`/.test(l));

beforeAll(async () => {
  stack = await startStack({ env: { MAX_SAVED_PLAYLISTS: '2', MAX_SAVED_PLAYLIST_TRACKS: '3' } });
  g = stack.guildId;
  ({ alice, bob } = stack.users);
  stack.join(alice);
  stack.join(bob);
  for (const hz of [440, 550, 660]) urls.push(await tone(stack, hz));
});

afterAll(async () => {
  await stack?.close();
});

describe('/playlist', () => {
  it('saves the queue, and after /stop loads the same tracks back in order', async () => {
    for (const url of urls) await stack.ask(alice, 'play', { query: url });
    expect(await text(alice, 'save', { name: 'Road Trip' })).toMatch(/💾 Saved \*\*Road Trip\*\* with 3 tracks/);
    expect(await text(alice, 'save', { name: 'Solo', current: true })).toMatch(/Saved \*\*Solo\*\* with 1 track/);
    expect(await stack.ask(alice, 'stop')).toMatch(/Stopped|stop/i);

    const loaded = await text(alice, 'load', { name: 'road trip' }); // names compare case-insensitively
    expect(loaded).toMatch(/📂 Loaded \*\*Road Trip\*\*: 3 tracks\. ▶️ Started \*\*440\\-60\*\*/);
    const queue = await stack.ask(alice, 'queue');
    expect(queue).toMatch(/\*\*Now playing:\*\* 440\\-60/);
    expect(upNext(queue).map((l) => l.replace(/ `.*$/, ''))).toEqual(['`1.` 550\\-60', '`2.` 660\\-60']);
    await stack.discord.voice.waitForFrequency(g, 440, { toleranceHz: 6, timeoutMs: 15_000 });
  });

  it('shows a playlist and exports it as an M3U that lists the same URLs in order', async () => {
    const shown = await text(alice, 'show', { name: 'Road Trip' });
    expect(
      shown
        .split('\n')
        .slice(1)
        .map((l) => l.replace(/ `\d+:\d\d`$/, '')),
    ).toEqual(['`1.` 440\\-60', '`2.` 550\\-60', '`3.` 660\\-60']);
    const exported = await pl(alice, 'export', { name: 'Road Trip' });
    expect(exported.content).toMatch(/📤 \*\*Road Trip\*\* as M3U \(3 tracks\)/);
    expect(exported.files.map((f) => f.filename)).toEqual(['Road_Trip.m3u']);
    const m3u = exported.files[0]?.content?.toString('utf8') ?? '';
    expect(m3u.split('\n')[0]).toBe('#EXTM3U');
    expect(m3u.split('\n').filter((l) => l.startsWith('http'))).toEqual(urls);
    expect(m3u).toMatch(/#EXTINF:60,440-60/);
  });

  it('is private: another member lists none of it and can neither load nor delete it', async () => {
    expect(await text(bob, 'list')).toMatch(/You have no saved playlists yet/);
    expect(await text(bob, 'load', { name: 'Road Trip' })).toMatch(/❌ You have no saved playlist with that name/);
    expect(await text(bob, 'delete', { name: 'Road Trip' })).toMatch(/❌ You have no saved playlist with that name/);
    const mine = await text(alice, 'list');
    expect(mine).toMatch(/Your saved playlists\*\* \(2\/2\)/);
    expect(mine).toMatch(/Road Trip\*\* · 3 tracks · 3:00[\s\S]*Solo\*\* · 1 track/);
  });

  it('refuses bad names and what is over the limits, with clear text', async () => {
    for (const name of ['<@everyone>', '   ', 'x'.repeat(33), '**bold**', '-dash-first']) {
      expect(await text(alice, 'save', { name })).toMatch(/❌ Playlist names are 1-32 characters/);
    }
    expect(await text(alice, 'save', { name: 'Third' })).toMatch(
      /❌ You already have 2 saved playlists, the most this bot allows \(2\)/,
    );
    await stack.ask(alice, 'play', { query: `${urls[0]}?again` });
    expect(await text(alice, 'save', { name: 'Solo' })).toMatch(/❌ That's 4 tracks; a saved playlist holds 3 at most/);
    expect(await text(alice, 'save', { name: 'Solo', current: true })).toMatch(/💾 Replaced \*\*Solo\*\* with 1 track/);
  });

  it('survives a restart, and delete removes only that playlist', async () => {
    await stack.restart();
    expect(await text(alice, 'list')).toMatch(/Road Trip\*\* · 3 tracks[\s\S]*Solo/);
    expect(await text(alice, 'show', { name: 'Road Trip' })).toMatch(toneTitle(660));
    expect(await text(alice, 'delete', { name: 'solo' })).toMatch(/🗑️ Deleted \*\*Solo\*\* \(1 track\)/);
    const after = await text(alice, 'list');
    expect(after).toMatch(/Road Trip/);
    expect(after).not.toMatch(/Solo/);
    expect(await text(alice, 'show', { name: 'Solo' })).toMatch(/❌ You have no saved playlist/);
    stack.discord.rest.assertNoViolations();
    expectCleanMessages(stack);
  });
});
