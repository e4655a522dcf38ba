import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordFigure } from './figures.js';
import { loudestOf, startSourcesStack, taggedTone, type SourcesStack } from './sources-support.js';
import { toneFile } from '../offline-discord/index.js';

/**
 * Sources without yt-dlp, as a user meets them: a big M3U playlist (served from loopback), Discord attachments,
 * the local music folder (MEDIA_DIR), and the hand-over between two consecutive tracks.
 */
let stack: SourcesStack;
let g: string;
let alice: string;
let library: string;

const MAX_PLAYLIST = 300;

beforeAll(async () => {
  library = mkdtempSync(join(tmpdir(), 'tunebot-library-'));
  const music = join(library, 'music');
  mkdirSync(join(music, 'classical'), { recursive: true });
  // Neutral file names: only the tags say which is which.
  await Promise.all([
    taggedTone(join(music, 'classical', 'track01.ogg'), {
      hz: 523,
      seconds: 20,
      title: 'Moonlight Sonata',
      artist: 'Ludwig van Beethoven',
    }),
    taggedTone(join(music, 'track02.ogg'), { hz: 784, seconds: 20, title: 'Clair de Lune', artist: 'Claude Debussy' }),
    taggedTone(join(library, 'secret.ogg'), { hz: 1000, seconds: 20, title: 'Secret', artist: 'Outside' }),
  ]);
  symlinkSync(join(library, 'secret.ogg'), join(music, 'shortcut.ogg'));
  stack = await startSourcesStack({
    env: ({ defaults }) => ({ ...defaults, MEDIA_DIR: music, MAX_PLAYLIST: String(MAX_PLAYLIST) }),
  });
  g = stack.guildId;
  alice = stack.users.alice;
  stack.join(alice);
});

afterAll(async () => {
  await stack?.close();
  if (library) rmSync(library, { recursive: true, force: true });
});

afterEach(async () => {
  await stack.ask(alice, 'stop');
});

describe('an M3U playlist of 1,000 entries', () => {
  /** The "Finished loading" totals of the first test, for the second. */
  let totals: { added: number; duplicates: number; over: number; text: string } | undefined;

  it('plays its first entry at once, skips duplicates, stops at MAX_PLAYLIST and ends with the totals', async () => {
    const tone = await stack.media.tone({ hz: 370, seconds: 30, format: 'ogg' });
    // Entry i names the tone as ?n=i, except every 50th, which repeats the entry before it: 20 duplicates.
    const lines = ['#EXTM3U'];
    for (let i = 0; i < 1000; i++) {
      const n = i % 50 === 49 ? i - 1 : i;
      lines.push(`#EXTINF:30,Entry ${n}`, `${tone}?n=${n}`);
    }
    const url = stack.files.serve('/lists/big-mix.m3u', `${lines.join('\n')}\n`, 'audio/x-mpegurl');
    const cmd = stack.command(alice, 'play', { query: url });
    const first = await cmd.reply(undefined, 20_000);
    expect(first.content).toMatch(/Started \*\*Entry 0\*\* `0:30`/);
    expect(first.content).toMatch(/Loading the rest of \*\*big\\?-mix\*\*/);
    await stack.discord.voice.waitForFrequency(g, 370, { toleranceHz: 4, since: cmd.dispatchedAt, timeoutMs: 15_000 });
    const audio = await stack.discord.voice.waitForAudio(g, { since: cmd.dispatchedAt, timeoutMs: 1000 });
    const done = await cmd.reply((m) => /Finished loading/.test(m.content ?? ''), 30_000);
    recordFigure('playlist_first_audio_ms_m3u', audio - cmd.dispatchedAt);
    recordFigure('playlist_fully_queued_ms_m3u', done.at - cmd.dispatchedAt);
    const text = done.content ?? '';
    const m =
      /✅ Finished loading \*\*big\\?-mix\*\*: (\d+) added, (\d+) skipped as duplicates(?:, (\d+) over the limit)?\.$/.exec(
        text,
      );
    expect(m, text).not.toBeNull();
    totals = { added: Number(m![1]), duplicates: Number(m![2]), over: Number(m![3] ?? 0), text };
    expect(totals.added).toBeLessThanOrEqual(MAX_PLAYLIST);
    expect(totals.added).toBeGreaterThanOrEqual(MAX_PLAYLIST - 20);
    expect(totals.duplicates).toBeGreaterThan(0);
    expect(await stack.ask(alice, 'queue')).toContain(`${totals.added - 1} tracks queued`);
    expect(stack.media.hits(tone)).toBeLessThanOrEqual(2); // the playing entry (and the next, preloaded), not all of them
  });

  /**
   * Known bug: PlaylistFileSource stops reading at MAX_PLAYLIST entries, so the loader never sees the other 700
   * and the reply says "294 added, 6 skipped as duplicates." — nothing tells the user that most of the playlist
   * was left out. Proposed fix: /tmp/fix-sources-playlist-over-limit.patch (read on to a hard limit; the loader
   * caps at MAX_PLAYLIST and counts the rest: "300 added, 20 skipped as duplicates, 680 over the limit.").
   */
  it('…and the totals account for every entry, naming those over the limit', () => {
    expect(totals).toBeDefined();
    expect(totals!.text).toMatch(/over the limit/);
    expect(totals!.added + totals!.duplicates + totals!.over, totals!.text).toBe(1000);
  });
});

describe('attachments', () => {
  it('/play file: plays an attached audio file, named after the file', async () => {
    const url = await stack.media.tone({ hz: 700, seconds: 30, format: 'ogg' });
    const size = statSync(await toneFile({ hz: 700, seconds: 30, format: 'ogg' })).size;
    const cmd = stack.command(alice, 'play', undefined, {
      attachments: [{ url, filename: 'my_demo.ogg', contentType: 'audio/ogg', size }],
    });
    expect((await cmd.reply(undefined, 20_000)).content).toMatch(/Started \*\*my demo\*\*/);
    await stack.discord.voice.waitForFrequency(g, 700, { toleranceHz: 4, since: cmd.dispatchedAt, timeoutMs: 15_000 });
  });

  it.each<[string, { filename: string; contentType: string; size: number; url?: string }, RegExp]>([
    [
      'an oversized file',
      { filename: 'concert.flac', contentType: 'audio/flac', size: 300 * 1024 * 1024 },
      /too large to play/,
    ],
    ['a picture', { filename: 'cat.png', contentType: 'image/png', size: 50_000 }, /doesn't point to audio/],
    [
      'a file from elsewhere than Discord',
      { filename: 'song.ogg', contentType: 'audio/ogg', size: 50_000, url: 'https://files.example.com/song.ogg' },
      /isn't hosted by Discord/,
    ],
  ])('%s is refused with a clear message, without downloading it', async (_name, spec, expected) => {
    const url = spec.url ?? (await stack.media.tone({ hz: 900, seconds: 5, format: 'flac' }));
    const hits = stack.media.hits(url);
    const reply = await stack.ask(alice, 'play', undefined, { attachments: [{ ...spec, url }] });
    expect(reply).toMatch(expected);
    expect(reply).not.toMatch(/Error:|at .*\.js:\d+/);
    if (url.includes(stack.media.host)) expect(stack.media.hits(url)).toBe(hits);
  });
});

describe('the local music folder (MEDIA_DIR)', () => {
  it.each([
    ['local:debussy', 'Clair de Lune', 784],
    ['local:moonlight sonata', 'Moonlight Sonata', 523],
    ['local:classical/track01.ogg', 'Moonlight Sonata', 523],
  ])('%s finds and plays the right file', async (query, title, hz) => {
    const cmd = stack.command(alice, 'play', { query });
    expect((await cmd.reply(undefined, 20_000)).content).toMatch(new RegExp(`Started \\*\\*${title}\\*\\*`));
    await stack.discord.voice.waitForFrequency(g, hz, { toleranceHz: 4, since: cmd.dispatchedAt, timeoutMs: 15_000 });
  });

  it.each([
    'local:../secret.ogg',
    'local:classical/../../secret.ogg',
    'local:..%2Fsecret.ogg',
    'local:shortcut.ogg', // a symbolic link inside the folder pointing out of it
  ])('%s is refused: nothing outside the folder plays', async (query) => {
    const since = performance.now();
    const reply = await stack.ask(alice, 'play', { query });
    expect(reply).toMatch(/isn't inside the bot's music folder/);
    await stack.discord.voice.waitForSilence(g, 500, { since, timeoutMs: 5000 });
    expect(stack.discord.voice.capture(g, since).audible()).toEqual([]);
  });

  it('a search with no match says so', async () => {
    expect(await stack.ask(alice, 'play', { query: 'local:mahler' })).toMatch(
      /Nothing in the local music library matches/,
    );
  });
});

describe('consecutive tracks', () => {
  it('a short WebM/Opus track hands over to an Ogg/Opus one with only a short gap', async () => {
    const a = await stack.media.tone({ hz: 400, seconds: 3, format: 'webm' });
    const b = await stack.media.tone({ hz: 800, seconds: 3, format: 'ogg' });
    const first = stack.command(alice, 'play', { query: a });
    expect((await first.reply(undefined, 20_000)).content).toMatch(/Started/);
    expect(await stack.ask(alice, 'play', { query: b })).toMatch(/Queued/);
    await stack.discord.voice.waitForFrequency(g, 800, {
      toleranceHz: 4,
      since: first.dispatchedAt,
      timeoutMs: 15_000,
    });
    const end = await stack.discord.voice.waitForSilence(g, 1000, { since: first.dispatchedAt, timeoutMs: 10_000 });
    const audible = stack.discord.voice
      .capture(g, first.dispatchedAt)
      .audible()
      .filter((p) => p.arrivalMs <= end);
    const lastA = audible.findLastIndex((p) => loudestOf(p, [400, 800]) === 400);
    const firstB = audible.findIndex((p, i) => i > lastA && loudestOf(p, [400, 800]) === 800);
    expect(lastA).toBeGreaterThan(100); // about 3 s of the first track were heard
    expect(firstB).toBeGreaterThan(lastA);
    // Arrival of B's first audible packet after A's last one: 20 ms (one packet) when nothing is lost between them.
    const gap = audible[firstB]!.arrivalMs - audible[lastA]!.arrivalMs;
    recordFigure('inter_track_gap_ms', gap);
    expect(gap).toBeLessThan(1000);
  });
});
