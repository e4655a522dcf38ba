import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordFigure } from './figures.js';
import {
  eventually,
  longestPause,
  mostlyOf,
  staircaseFile,
  startSourcesStack,
  type SourcesStack,
} from './sources-support.js';

/**
 * YouTube through yt-dlp (the fake one, fed recorded-shape fixtures, with the signed media URLs pointing at
 * loopback WebM/Opus tones), as a user meets it: links, YouTube Music links, searches, autocomplete,
 * playlists, the cache and coalescing (counted as yt-dlp runs), and a stream cut mid-track.
 */
let stack: SourcesStack;
let g: string;
let alice: string;

const VIDEO = 'https://www.youtube.com/watch?v=dQw4w9WgXcQ';
const MUSIC = 'https://music.youtube.com/watch?v=lYBUbBu4W08';
const PLAYLIST = 'https://www.youtube.com/playlist?list=PLFgquLnL59alCl_2TQvOiD5Vgm1hCaGSI';
const COALESCED_ID = 'CoalesceE2E';
const RESUME_ID = 'ResumeE2E01';
const WHOLE_ID = 'WholeE2E001';
/** Ten one-second steps: which one is heard says where in the track playback is. */
const STEPS = [300, 450, 600, 750, 900, 1050, 1200, 1350, 1500, 1650];

beforeAll(async () => {
  stack = await startSourcesStack();
  g = stack.guildId;
  alice = stack.users.alice;
  stack.join(alice);
  const { ytdlp, media, files } = stack;
  // dQw4w9WgXcQ plays the default 440 Hz tone; each other video gets its own pitch.
  ytdlp.video('lYBUbBu4W08', { mediaUrl: await media.tone({ hz: 550, seconds: 30, format: 'webm' }) });
  ytdlp.video(COALESCED_ID, {
    fixture: ytdlp.videoFixture({ id: COALESCED_ID, title: 'Coalesced Tone', durationSec: 30 }),
    mediaUrl: await media.tone({ hz: 660, seconds: 30, format: 'webm' }),
  });
  ytdlp.video(WHOLE_ID, {
    fixture: ytdlp.videoFixture({ id: WHOLE_ID, title: 'Short Tone', durationSec: 6 }),
    mediaUrl: await media.tone({ hz: 880, seconds: 6, format: 'webm' }),
  });
  const staircase = readFileSync(await staircaseFile(STEPS));
  ytdlp.video(RESUME_ID, {
    fixture: ytdlp.videoFixture({ id: RESUME_ID, title: 'Staircase', durationSec: STEPS.length }),
    mediaUrl: files.cutOnce('/cdn/staircase.webm', staircase, 'audio/webm', 0.35),
  });
});

afterAll(async () => {
  await stack?.close();
});

afterEach(async () => {
  await stack.ask(alice, 'stop');
});

describe('YouTube links and searches', () => {
  it('a YouTube link plays its audio (WebM/Opus), with one yt-dlp run for resolve and stream', async () => {
    const cmd = stack.command(alice, 'play', { query: VIDEO });
    const reply = await cmd.reply((m) => /Started/.test(m.content ?? ''), 20_000);
    expect(reply.content).toMatch(/Never Gonna Give You Up/);
    expect(reply.content).toContain('`3:32`');
    await stack.discord.voice.waitForFrequency(g, 440, { toleranceHz: 4, since: cmd.dispatchedAt, timeoutMs: 15_000 });
    const first = await stack.discord.voice.waitForAudio(g, { since: cmd.dispatchedAt, timeoutMs: 1000 });
    recordFigure('play_to_first_audio_ms_youtube', first - cmd.dispatchedAt);
    expect(stack.ytdlp.spawns('dQw4w9WgXcQ')).toBe(1);
  });

  it('a YouTube Music link plays', async () => {
    const cmd = stack.command(alice, 'play', { query: MUSIC });
    expect((await cmd.reply(undefined, 20_000)).content).toMatch(/Started \*\*Never Gonna Give You Up\*\*/);
    await stack.discord.voice.waitForFrequency(g, 550, { toleranceHz: 4, since: cmd.dispatchedAt, timeoutMs: 15_000 });
  });

  it('plain words search YouTube and play the first result', async () => {
    const before = stack.ytdlp.spawns('ytsearch');
    const cmd = stack.command(alice, 'play', { query: 'rick astley never gonna' });
    expect((await cmd.reply(undefined, 20_000)).content).toMatch(/Started \*\*Rick Astley \\- Never Gonna Give You Up/);
    await stack.discord.voice.waitForFrequency(g, 440, { toleranceHz: 4, since: cmd.dispatchedAt, timeoutMs: 15_000 });
    expect(stack.ytdlp.spawns('ytsearch') - before).toBe(1);
  });

  it('the same link again is a cache hit: no yt-dlp run, and it plays', async () => {
    const before = stack.ytdlp.spawns();
    const cmd = stack.command(alice, 'play', { query: 'https://youtu.be/dQw4w9WgXcQ?t=5' }); // another spelling, same video
    expect((await cmd.reply(undefined, 20_000)).content).toMatch(/Started \*\*Rick Astley/);
    await stack.discord.voice.waitForFrequency(g, 440, { toleranceHz: 4, since: cmd.dispatchedAt, timeoutMs: 15_000 });
    expect(stack.ytdlp.spawns()).toBe(before);
  });

  it('two guilds asking for the same new link at once share one yt-dlp run, and both hear it', async () => {
    const second = stack.discord.addGuild({ name: 'Second server' });
    stack.join(alice, undefined, second.id);
    const url = `https://www.youtube.com/watch?v=${COALESCED_ID}`;
    const one = stack.command(alice, 'play', { query: url });
    const two = stack.command(alice, 'play', { query: url }, { guildId: second.id });
    try {
      for (const cmd of [one, two])
        expect((await cmd.reply(undefined, 20_000)).content).toMatch(/Started \*\*Coalesced Tone\*\*/);
      await stack.discord.voice.waitForFrequency(g, 660, {
        toleranceHz: 4,
        since: one.dispatchedAt,
        timeoutMs: 15_000,
      });
      await stack.discord.voice.waitForFrequency(second.id, 660, {
        toleranceHz: 4,
        since: two.dispatchedAt,
        timeoutMs: 15_000,
      });
      expect(stack.ytdlp.spawns(COALESCED_ID)).toBe(1);
    } finally {
      await stack.ask(alice, 'stop', undefined, { guildId: second.id });
    }
  });

  it("autocomplete suggests YouTube results within Discord's 3 s, and a repeat keystroke needs no new search", async () => {
    const before = stack.ytdlp.spawns('ytsearch');
    const ask = () =>
      stack.discord.sendAutocomplete({
        guildId: g,
        userId: alice,
        name: 'play',
        options: { query: 'never gonna give' },
        focused: 'query',
      });
    const first = ask();
    const choices = await first.choices(5000);
    const answeredMs = (await first.callback()).at - first.dispatchedAt;
    recordFigure('autocomplete_youtube_ms', answeredMs);
    expect(answeredMs).toBeLessThan(3000);
    expect(choices.length).toBeGreaterThanOrEqual(3);
    expect(choices[0]).toEqual({
      name: 'Rick Astley - Never Gonna Give You Up (Official Music Video) (3:32)',
      value: VIDEO,
    });
    expect(choices.map((c) => c.name)).toContain('lofi hip hop radio 📚 beats to relax/study to — Lofi Girl (live)');
    const again = await ask().choices(5000);
    expect(again).toEqual(choices);
    expect(stack.ytdlp.spawns('ytsearch') - before).toBe(1);
  });
});

describe('YouTube playlists', () => {
  it('start at the first playable entry, fill in behind it, and end with the totals', async () => {
    const cmd = stack.command(alice, 'play', { query: PLAYLIST });
    const first = await cmd.reply(undefined, 20_000);
    expect(first.content).toMatch(/Started \*\*Rick Astley/);
    await stack.discord.voice.waitForFrequency(g, 440, { toleranceHz: 4, since: cmd.dispatchedAt, timeoutMs: 15_000 });
    const audio = await stack.discord.voice.waitForAudio(g, { since: cmd.dispatchedAt, timeoutMs: 1000 });
    const done = await cmd.reply((m) => /Finished loading/.test(m.content ?? ''), 20_000);
    recordFigure('playlist_first_audio_ms_youtube', audio - cmd.dispatchedAt);
    recordFigure('playlist_fully_queued_ms_youtube', done.at - cmd.dispatchedAt);
    // 8 entries: two unavailable, one private and one deleted placeholder (4 failed), Rick Astley twice (1
    // duplicate), three added: Rick Astley (playing), Nirvana and Mark Ronson.
    expect(done.content).toMatch(
      /✅ Finished loading \*\*Classic Hits\*\*: 3 added, 1 skipped as duplicates, 4 failed\.$/,
    );
    expect(await stack.ask(alice, 'queue')).toMatch(/2 tracks queued/);
  });
});

/**
 * Known bug (both tests below): the real voice link forgets how far a track got before it reports the track's
 * end (DiscordVoiceLink releases the resource, so playbackMs() reads 0 in the idle listener). Playback then
 * takes every end of a track with a known duration for a cut at 0 ms: a track that played to its end is
 * played again from the start and then reported as failed, and a cut stream restarts from 0 instead of
 * resuming. Proposed fix: /tmp/fix-sources-playback-position.patch (keep the released position until the
 * next play). The unit tests' FakeVoiceLink keeps its position, which is why they did not catch it.
 */
describe('a track with a known duration', () => {
  it('that plays to its end is heard once, with no error message', async () => {
    const cmd = stack.command(alice, 'play', { query: `https://www.youtube.com/watch?v=${WHOLE_ID}` });
    expect((await cmd.reply(undefined, 20_000)).content).toMatch(/Started \*\*Short Tone\*\* `0:06`/);
    await stack.discord.voice.waitForFrequency(g, 880, { toleranceHz: 4, since: cmd.dispatchedAt, timeoutMs: 15_000 });
    const end = await stack.discord.voice.waitForSilence(g, 1500, { since: cmd.dispatchedAt, timeoutMs: 20_000 });
    const heardMs =
      stack.discord.voice
        .capture(g, cmd.dispatchedAt)
        .audible()
        .filter((p) => p.arrivalMs <= end).length * 20;
    expect(heardMs).toBeGreaterThan(5000);
    expect(heardMs).toBeLessThan(7000); // not twice
    expect(stack.media.hits('/tone/880-6.webm')).toBe(1);
    const warnings = stack.discord.channelMessages(stack.textChannelId).filter((m) => /Couldn't play/.test(m.content));
    expect(warnings.map((m) => m.content)).toEqual([]);
  });
});

describe('a stream cut mid-track', () => {
  it('is reopened once and resumes about where it stopped', async () => {
    const cmd = stack.command(alice, 'play', { query: `https://youtu.be/${RESUME_ID}` });
    expect((await cmd.reply(undefined, 20_000)).content).toMatch(/Started \*\*Staircase\*\* `0:10`/);
    await eventually(() => stack.files.hits('/cdn/staircase.webm') >= 2, 15_000, 'the reopened download');
    const silentFrom = await stack.discord.voice.waitForSilence(g, 1500, {
      since: cmd.dispatchedAt,
      timeoutMs: 20_000,
    });
    const audible = stack.discord.voice
      .capture(g, cmd.dispatchedAt)
      .audible()
      .filter((p) => p.arrivalMs <= silentFrom);
    const pause = longestPause(audible);
    expect(pause).not.toBeNull();
    recordFigure('mid_track_reopen_gap_ms', pause!.ms);
    const stepAt = (from: number, to: number) => mostlyOf(audible.slice(Math.max(0, from), Math.max(0, to)), STEPS);
    const before = STEPS.indexOf(stepAt(pause!.before - 9, pause!.before + 1)!);
    const after = STEPS.indexOf(stepAt(pause!.after, pause!.after + 10)!);
    // Cut at 35 % of the bytes, about 3.5 s in: it stops in step 3 or 4 and must go on from there, not from 0.
    expect(before).toBeGreaterThanOrEqual(2);
    expect(before).toBeLessThanOrEqual(5);
    expect(Math.abs(after - before)).toBeLessThanOrEqual(1);
    // …and it plays to the end: the last step is heard, and about 10 s were heard in all (not 13.5 s, not 6.5 s).
    expect(stepAt(audible.length - 10, audible.length)).toBe(STEPS.at(-1));
    expect(audible.length * 20).toBeGreaterThan(8500);
    expect(audible.length * 20).toBeLessThan(11_500);
    expect(stack.files.hits('/cdn/staircase.webm')).toBe(2);
    const warnings = stack.discord.channelMessages(stack.textChannelId).filter((m) => /Couldn't play/.test(m.content));
    expect(warnings).toEqual([]);
  });
});
