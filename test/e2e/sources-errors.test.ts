import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startSourcesStack, type SourcesStack } from './sources-support.js';

/**
 * yt-dlp misbehaving, as a user meets it: a run that hangs ends in a clear timeout message within /play's
 * budget while the bot keeps serving everyone else, and repeated failures open YouTube's circuit breaker so
 * later requests fail fast (no yt-dlp runs at all) with a "having trouble" message, other sources unaffected.
 */
let stack: SourcesStack;
let g: string;
let alice: string;
let hangPidFile: string;

const HANG_ID = 'HangE2E0001';
/** /play gives a resolve 30 s (RESOLVE_TIMEOUT_MS); the worker pool stops a job after 15 s. */
const PLAY_BUDGET_MS = 30_000;

beforeAll(async () => {
  stack = await startSourcesStack();
  g = stack.guildId;
  alice = stack.users.alice;
  stack.join(alice);
  hangPidFile = join(stack.dir, 'hang.pid');
  stack.ytdlp.addRules(
    { match: HANG_ID, env: { FAKE_YTDLP_MODE: 'hang', FAKE_YTDLP_PID_FILE: hangPidFile } },
    {
      match: 'Broken',
      env: { FAKE_YTDLP_MODE: 'fail', FAKE_YTDLP_STDERR: 'ERROR: [youtube] Broken: HTTP Error 429: Too Many Requests' },
    },
  );
});

afterAll(async () => {
  await stack?.close();
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('a yt-dlp run that hangs', () => {
  it('ends in a clear timeout message within the budget, its process is killed, and others are served meanwhile', async () => {
    const hung = stack.command(alice, 'play', { query: `https://www.youtube.com/watch?v=${HANG_ID}` });
    await eventually(() => existsSync(hangPidFile), 10_000, 'the hanging yt-dlp to start');
    const pid = Number(readFileSync(hangPidFile, 'utf8').split('\n')[0]);

    // Meanwhile, another server plays a file and a YouTube video.
    const other = stack.discord.addGuild({ name: 'Meanwhile' });
    stack.join(alice, undefined, other.id);
    const file = stack.command(
      alice,
      'play',
      { query: await stack.media.tone({ hz: 480, seconds: 30, format: 'ogg' }) },
      { guildId: other.id },
    );
    expect((await file.reply(undefined, 20_000)).content).toMatch(/Started/);
    await stack.discord.voice.waitForFrequency(other.id, 480, {
      toleranceHz: 4,
      since: file.dispatchedAt,
      timeoutMs: 15_000,
    });
    const video = stack.command(
      alice,
      'play',
      { query: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', position: 'now' },
      { guildId: other.id },
    );
    expect((await video.reply(undefined, 20_000)).content).toMatch(/Started \*\*Rick Astley/);
    await stack.discord.voice.waitForFrequency(other.id, 440, {
      toleranceHz: 4,
      since: video.dispatchedAt,
      timeoutMs: 15_000,
    });
    expect(alive(pid)).toBe(true); // still hanging while all that happened

    const reply = await hung.reply(undefined, PLAY_BUDGET_MS + 5000);
    expect(reply.content).toMatch(/took too long/);
    expect(reply.at - hung.dispatchedAt).toBeLessThan(PLAY_BUDGET_MS);
    await eventually(() => !alive(pid), 5000, `the hung yt-dlp (pid ${pid}) to be killed`);
    await stack.ask(alice, 'stop', undefined, { guildId: other.id });
  });

  it('the next YouTube request works as usual', async () => {
    const cmd = stack.command(alice, 'play', { query: 'https://youtu.be/dQw4w9WgXcQ' });
    expect((await cmd.reply(undefined, 20_000)).content).toMatch(/Started \*\*Rick Astley/);
    await stack.discord.voice.waitForFrequency(g, 440, { toleranceHz: 4, since: cmd.dispatchedAt, timeoutMs: 15_000 });
    await stack.ask(alice, 'stop');
  });
});

describe('repeated yt-dlp failures', () => {
  it('open the breaker: a "having trouble" message, then requests fail fast without running yt-dlp', async () => {
    const replies: string[] = [];
    for (let i = 1; i <= 6; i++) {
      const reply = await stack.ask(alice, 'play', { query: `https://www.youtube.com/watch?v=Broken0000${i}` });
      replies.push(reply);
      if (/paused requests/.test(reply)) break;
    }
    expect(replies[0]).toMatch(/YouTube is limiting how often this bot may ask right now/); // HTTP 429: YOUTUBE_RATE_LIMITED
    const opened = replies.length;
    expect(opened, replies.join('\n')).toBeLessThanOrEqual(6); // five failures in a row at most
    expect(replies.at(-1)).toMatch(
      /YouTube is having trouble right now, so I've paused requests to it; please try again in a minute/,
    );
    expect(stack.ytdlp.spawns(`Broken0000${opened}`)).toBe(0);

    const spawns = stack.ytdlp.spawns();
    for (const query of ['https://www.youtube.com/watch?v=Broken00009', 'https://youtu.be/lYBUbBu4W08']) {
      const cmd = stack.command(alice, 'play', { query });
      const reply = await cmd.reply(undefined, 10_000);
      expect(reply.content).toMatch(/YouTube is having trouble right now, so I've paused requests to it/);
      expect(reply.at - cmd.dispatchedAt).toBeLessThan(2000);
    }
    expect(stack.ytdlp.spawns()).toBe(spawns);
    // A search is not refused: with YouTube's breaker open it goes to SoundCloud (scsearch, no YouTube run;
    // sources-youtube-fallback.test.ts plays such a result).
    const search = await stack.ask(alice, 'play', { query: 'some other song' }, { timeoutMs: 20_000 });
    expect(search).not.toMatch(/paused requests/);
    const after = stack.ytdlp
      .invocations()
      .slice(spawns)
      .map((a) => a.at(-1) ?? '');
    expect(after.filter((t) => t.startsWith('scsearch'))).toHaveLength(1);
    expect(after.filter((t) => t.startsWith('ytsearch'))).toHaveLength(0);
    await stack.ask(alice, 'stop');
  });

  it('other sources are unaffected', async () => {
    const url = await stack.media.tone({ hz: 530, seconds: 20, format: 'ogg' });
    const cmd = stack.command(alice, 'play', { query: url });
    expect((await cmd.reply(undefined, 20_000)).content).toMatch(/Started/);
    await stack.discord.voice.waitForFrequency(g, 530, { toleranceHz: 4, since: cmd.dispatchedAt, timeoutMs: 15_000 });
    await stack.ask(alice, 'stop');
  });
});
