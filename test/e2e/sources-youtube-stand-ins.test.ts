import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS, NOTES } from '../../src/core/errors.js';
import { PLAY_DL_PRELOAD, eventually, startSourcesStack, type SourcesStack } from './sources-support.js';

/**
 * Fallback instead of failure, beyond searches: with YouTube refusing this server (the fake yt-dlp answers every
 * YouTube video with the real bot-check message; flat searches still answer, as on the real site),
 * - a Spotify track link plays its SoundCloud match (yt-dlp `scsearch`), the reply saying so, and an album's
 *   entries are each matched there the same way; a Deezer track too;
 * - a YouTube link gets the classified message plus the SoundCloud upload of the same recording when one scores
 *   above the match threshold (nothing is queued: the member decides), and no suggestion when the best is poor.
 * Spotify's and Deezer's APIs are answered from test/fixtures/ by a test-only play-dl preload; audio is heard at
 * the offline Discord's voice server.
 */
let stack: SourcesStack;
let alice: string;
const NOTE = NOTES.FROM_SOUNDCLOUD;
const TRACK = 'https://open.spotify.com/track/4PTG3Z6ehGkBFwjybzWkR8'; // Rick Astley, Never Gonna Give You Up
const ALBUM = 'https://open.spotify.com/album/6XhjNHCyCDyyGJRM5mg40G'; // Never Gonna…, Whenever…, Together Forever
const VIDEO = 'https://www.youtube.com/watch?v=dQw4w9WgXcQ';
/** A yt-dlp run for a YouTube video page (searches name `ytsearch…` instead). */
const YOUTUBE_VIDEO_RUN = '-- https://www.youtube.com/watch?v=';
const RICK_ON_SOUNDCLOUD = 'https://soundcloud.com/rick-astley-official/never-gonna-give-you-up-4';

/** An HLS playlist of one Ogg/Opus tone segment, as SoundCloud's cf-hls-opus-media.sndcdn.com serves. */
async function soundcloudMedia(name: string, hz: number): Promise<string> {
  const segment = await stack.media.tone({ hz, seconds: 30, format: 'ogg' });
  return stack.files.serve(
    `/sndcdn/${name}.m3u8`,
    `#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:30\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:30.0,\n${segment}\n#EXT-X-ENDLIST\n`,
    'application/vnd.apple.mpegurl',
  );
}

const hears = (hz: number, since: number) =>
  stack.discord.voice.waitForFrequency(stack.guildId, hz, { toleranceHz: 4, since, timeoutMs: 25_000 });

beforeAll(async () => {
  stack = await startSourcesStack({
    nodeArgs: PLAY_DL_PRELOAD,
    env: ({ defaults }) => ({
      ...defaults,
      FAKE_YTDLP_MODE: 'bot-check',
      SPOTIFY_CLIENT_ID: 'e2e-spotify-id',
      SPOTIFY_CLIENT_SECRET: 'e2e-spotify-secret',
      SPOTIFY_REFRESH_TOKEN: 'e2e-refresh-token',
    }),
  });
  alice = stack.users.alice;
  stack.join(alice);
  // Every SoundCloud track plays a 660 Hz tone, "Together Forever" an 880 Hz one (newer rules are checked first).
  stack.ytdlp.addRules({ match: 'soundcloud.com/', env: { FAKE_YTDLP_MEDIA_URL: await soundcloudMedia('any', 660) } });
  stack.ytdlp.addRules({
    match: 'soundcloud.com/rick-astley-official/together-forever',
    env: { FAKE_YTDLP_MEDIA_URL: await soundcloudMedia('together', 880) },
  });
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

describe('Spotify links while YouTube refuses this server', () => {
  it('a track plays its SoundCloud match, and the reply says so', async () => {
    const cmd = stack.command(alice, 'play', { query: TRACK });
    const reply = await cmd.reply(undefined, 40_000);
    expect(reply.content).toBe(`▶️ Started **Never Gonna Give You Up** \`3:33\`\n${NOTE}`);
    await hears(660, cmd.dispatchedAt);
    // One run each: YouTube's search, the YouTube match (refused), SoundCloud's search, the SoundCloud match.
    expect(stack.ytdlp.spawns('ytsearch')).toBe(1);
    expect(stack.ytdlp.spawns(YOUTUBE_VIDEO_RUN)).toBe(1);
    expect(stack.ytdlp.spawns('scsearch')).toBe(1);
    expect(stack.ytdlp.spawns(RICK_ON_SOUNDCLOUD)).toBe(1);
    await stack.ask(alice, 'stop');
  });

  it("an album's entries are each matched on SoundCloud (one without a match there is skipped)", async () => {
    const videoRuns = stack.ytdlp.spawns(YOUTUBE_VIDEO_RUN);
    const cmd = stack.command(alice, 'play', { query: ALBUM });
    const reply = (await cmd.reply(undefined, 40_000)).content ?? '';
    expect(reply).toBe(
      `▶️ Started **Never Gonna Give You Up** \`3:33\`\n${NOTE}\n⏳ Loading the rest of **Whenever You Need Somebody**…`,
    );
    await hears(660, cmd.dispatchedAt);
    // YouTube is known to refuse now: the YouTube match remembered from the first test is not tried again.
    expect(stack.ytdlp.spawns(YOUTUBE_VIDEO_RUN)).toBe(videoRuns);
    const skip = stack.command(alice, 'skip');
    await skip.reply(undefined, 20_000);
    // "Whenever You Need Somebody" has no SoundCloud match here; "Together Forever" has, and plays.
    await hears(880, skip.dispatchedAt);
    expect(stack.ytdlp.spawns('scsearch5:Rick Astley - Whenever You Need Somebody')).toBeGreaterThanOrEqual(1);
    // One SoundCloud search per entry, shared by its preparation and its playback; the first entry's was kept.
    expect(stack.ytdlp.spawns('scsearch5:Rick Astley - Together Forever')).toBe(1);
    expect(stack.ytdlp.spawns('scsearch5:Rick Astley - Never Gonna Give You Up')).toBe(1);
    await stack.ask(alice, 'stop');
  });

  it('a Deezer track plays its SoundCloud match too, with the note', async () => {
    const daftPunk = stack.ytdlp.soundcloudSearchFixture('daft-punk', [
      {
        title: 'Harder, Better, Faster, Stronger',
        uploader: 'Daft Punk',
        durationSec: 225,
        page: 'https://soundcloud.com/daftpunkofficialmusic/harder-better-faster-stronger',
      },
    ]);
    stack.ytdlp.addRules({ match: 'scsearch5:Daft Punk', env: { FAKE_YTDLP_SCSEARCH_FIXTURE: daftPunk } });
    const cmd = stack.command(alice, 'play', { query: 'https://www.deezer.com/track/3135556' });
    const reply = await cmd.reply(undefined, 40_000);
    expect(reply.content).toBe(`▶️ Started **Harder, Better, Faster, Stronger** \`3:44\`\n${NOTE}`);
    await hears(660, cmd.dispatchedAt);
    expect(stack.ytdlp.spawns('scsearch5:Daft Punk - Harder, Better, Faster, Stronger')).toBe(1);
    expect(stack.ytdlp.spawns('soundcloud.com/daftpunkofficialmusic/harder-better-faster-stronger')).toBe(1);
    await stack.ask(alice, 'stop');
  });
});

describe('a YouTube link while YouTube refuses this server', () => {
  it('gets the classified message and the SoundCloud upload of the same recording, which is not played', async () => {
    const reply = await stack.ask(alice, 'play', { query: VIDEO }, { timeoutMs: 30_000 });
    expect(reply).toBe(
      `❌ ${ERRORS.YOUTUBE_BOT_CHECK}\n🔎 Found it on SoundCloud: **Never Gonna Give You Up** by Rick Astley. To play it: \`/play ${RICK_ON_SOUNDCLOUD}\``,
    );
    // The title came from YouTube's flat search for the video's id.
    expect(stack.ytdlp.spawns('ytsearch5:dQw4w9WgXcQ')).toBeGreaterThanOrEqual(1);
    expect(await stack.ask(alice, 'nowplaying')).toContain(ERRORS.NOTHING_PLAYING);
    // The member takes the suggestion: it plays (the fake answers every SoundCloud page with its one recording).
    const runs = stack.ytdlp.spawns(RICK_ON_SOUNDCLOUD);
    const cmd = stack.command(alice, 'play', { query: RICK_ON_SOUNDCLOUD });
    expect((await cmd.reply(undefined, 30_000)).content).toMatch(/^▶️ Started \*\*/);
    expect(stack.ytdlp.spawns(RICK_ON_SOUNDCLOUD)).toBe(runs + 1);
    await hears(660, cmd.dispatchedAt);
    await stack.ask(alice, 'stop');
  });

  it('gets the classified message alone when the best SoundCloud result matches poorly', async () => {
    const poor = stack.ytdlp.soundcloudSearchFixture('poor', [
      {
        title: 'Never Gonna Give You Up (Nightcore Remix)',
        uploader: 'nightcore vibes 24/7',
        durationSec: 151,
        page: 'https://soundcloud.com/nightcore-vibes/ngg-nightcore',
      },
      {
        title: 'my cat singing',
        uploader: 'Rick',
        durationSec: 40,
        page: 'https://soundcloud.com/rick-123/my-cat-singing',
      },
    ]);
    stack.ytdlp.addRules({ match: 'scsearch', env: { FAKE_YTDLP_SCSEARCH_FIXTURE: poor } });
    const searches = stack.ytdlp.spawns('scsearch');
    const reply = await stack.ask(alice, 'play', { query: VIDEO }, { timeoutMs: 30_000 });
    expect(reply).toBe(`❌ ${ERRORS.YOUTUBE_BOT_CHECK}`);
    // SoundCloud was searched; its best result was judged not the same recording.
    await eventually(() => stack.ytdlp.spawns('scsearch') > searches, 5_000, 'a SoundCloud search');
  });
});
