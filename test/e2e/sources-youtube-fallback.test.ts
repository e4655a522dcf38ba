import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/core/errors.js';
import { freePort } from './harness.js';
import { startSourcesStack, type SourcesStack } from './sources-support.js';

/**
 * Fallback instead of failure: with YouTube refusing this server (the fake yt-dlp answers every YouTube video
 * with the real bot-check message; flat searches still answer, as on the real site), a text search is answered
 * from SoundCloud (`scsearch`) and plays, the reply saying so; once YouTube is known to refuse, searches go
 * straight to SoundCloud; a YouTube link gets the classified message; /readyz stays 200 with a degraded detail
 * and source_health{source="youtube"} reads 0.
 */
let stack: SourcesStack;
let alice: string;
let port: number;
const NOTE = '🔁 from SoundCloud: YouTube is refusing this server right now';

function fetchText(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res
        .setEncoding('utf8')
        .on('data', (c: string) => (body += c))
        .on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

beforeAll(async () => {
  port = await freePort();
  stack = await startSourcesStack({
    env: ({ defaults }) => ({ ...defaults, HTTP_PORT: String(port), FAKE_YTDLP_MODE: 'bot-check' }),
  });
  alice = stack.users.alice;
  stack.join(alice);
  // SoundCloud serves Opus in HLS: a one-segment playlist of an Ogg/Opus tone, like cf-hls-opus-media.sndcdn.com's.
  const segment = await stack.media.tone({ hz: 660, seconds: 30, format: 'ogg' });
  const playlist = stack.files.serve(
    '/sndcdn/playlist.m3u8',
    `#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:30\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:30.0,\n${segment}\n#EXT-X-ENDLIST\n`,
    'application/vnd.apple.mpegurl',
  );
  stack.ytdlp.addRules({ match: 'soundcloud.com/', env: { FAKE_YTDLP_MEDIA_URL: playlist } });
});

afterAll(async () => {
  await stack?.close();
});

describe('while YouTube refuses this server', () => {
  it('a search under the bot check plays a SoundCloud result, and the reply says so', async () => {
    const cmd = stack.command(alice, 'play', { query: 'never gonna give you up' });
    const reply = await cmd.reply(undefined, 30_000);
    expect(reply.content).toBe(`▶️ Started **Never Gonna Give You Up** \`3:33\`\n${NOTE}`);
    await stack.discord.voice.waitForFrequency(stack.guildId, 660, {
      toleranceHz: 4,
      since: cmd.dispatchedAt,
      timeoutMs: 20_000,
    });
    expect(stack.ytdlp.spawns('scsearch')).toBe(1);
    expect(stack.ytdlp.spawns('ytsearch')).toBe(1); // YouTube was asked first
    await stack.ask(alice, 'stop');
  });

  it('once YouTube is known to refuse, a search goes straight to SoundCloud', async () => {
    const ytsearches = stack.ytdlp.spawns('ytsearch');
    const reply = await stack.ask(alice, 'play', { query: 'together forever' }, { timeoutMs: 30_000 });
    expect(reply).toMatch(/^▶️ Started \*\*Never Gonna Give You Up\*\*/); // the fake's first scsearch entry
    expect(reply).toContain(NOTE);
    expect(stack.ytdlp.spawns('ytsearch')).toBe(ytsearches);
    await stack.ask(alice, 'stop');
  });

  it('a YouTube link gets the classified bot-check message', async () => {
    expect(await stack.ask(alice, 'play', { query: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ' })).toMatch(
      new RegExp(`^❌ ${ERRORS.YOUTUBE_BOT_CHECK.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );
  });

  it('/readyz stays ready with a degraded detail; source_health{source="youtube"} is 0', async () => {
    const ready = await fetchText('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatch(/degraded: YouTube refuses this server \(YOUTUBE_BOT_CHECK/);
    expect((await fetchText('/metrics')).body).toMatch(/tunebot_source_health\{source="youtube"\} 0/);
  });
});
