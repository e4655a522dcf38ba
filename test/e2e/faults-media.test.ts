import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toneFile, type ToneSpec } from '../offline-discord/index.js';
import { expectCleanMessages } from './commands-support.js';
import { startStack, type Stack, freePort } from './harness.js';

/**
 * Media faults in the middle of a track: the source stalls, turns into garbage, or is cut (connection reset);
 * ffmpeg is killed under a transcoded track. Each time a second track waits in the queue: the bot must get
 * past the broken one (retrying it once where that makes sense), say so in the channel when a track is
 * given up, keep the queue, and stay up.
 */
let stack: Stack;
let g: string;
let port: number;
let evil: Server;
let evilHost: string;

/**
 * Serves tone files broken on purpose, dripped at twice real time (so the break happens during playback,
 * not while the bot is still opening the URL): `/garbage/<spec>` is the real file for its first 40 % and
 * random bytes after (same length); `/cut/<spec>` sends 40 % and then closes the connection short of its
 * Content-Length.
 */
async function startEvilServer(): Promise<void> {
  evil = createHttpServer((req, res) => {
    const [, kind, name] = (req.url ?? '').split('?')[0]!.split('/');
    const m = /^(\d+)-(\d+)\.(ogg|mp3)$/.exec(name ?? '');
    if (!m) return void res.writeHead(404).end();
    const spec: ToneSpec = { hz: Number(m[1]), seconds: Number(m[2]), format: m[3] as 'ogg' | 'mp3' };
    void toneFile(spec).then((path) => {
      const file = readFileSync(path);
      const good = Math.floor(file.length * 0.4);
      res.writeHead(200, {
        'content-type': spec.format === 'ogg' ? 'audio/ogg' : 'audio/mpeg',
        'content-length': file.length,
      });
      const body =
        kind === 'garbage'
          ? Buffer.concat([file.subarray(0, good), randomBytes(file.length - good)])
          : file.subarray(0, good);
      const chunk = Math.ceil(((file.length / spec.seconds) * 2) / 10);
      let offset = 0;
      const timer = setInterval(() => {
        if (res.destroyed) return void clearInterval(timer);
        res.write(body.subarray(offset, offset + chunk));
        offset += chunk;
        if (offset < body.length) return;
        clearInterval(timer);
        if (kind === 'garbage') res.end();
        else res.socket?.destroy();
      }, 100);
    });
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  evilHost = `127.0.0.1:${(evil.address() as { port: number }).port}`;
}

async function expectAlive(): Promise<void> {
  expect(stack.bot.exitInfo, 'the bot process is still running').toBeUndefined();
  expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
}

/** Plays `first` with a tone at `nextHz` queued behind it; resolves once `firstHz` is heard. */
async function playWithNext(first: string, firstHz: number, nextHz: number): Promise<number> {
  const next = await stack.media.tone({ hz: nextHz, seconds: 20, format: 'ogg' });
  const play = stack.command(stack.users.alice, 'play', { query: first });
  expect((await play.reply(undefined, 20_000)).content).toMatch(/Started/);
  expect(await stack.ask(stack.users.alice, 'play', { query: next })).toMatch(/Queued/);
  await stack.discord.voice.waitForFrequency(g, firstHz, {
    toleranceHz: 5,
    since: play.dispatchedAt,
    timeoutMs: 15_000,
  });
  return play.dispatchedAt;
}

/** Channel messages (not command replies) posted since `since`. */
function noticesSince(since: number): string[] {
  return stack.discord.messages.snapshots
    .filter((s) => s.at >= since && s.interactionId === undefined && s.source === 'channel-create')
    .map((s) => s.content);
}

/** The bot's ffmpeg children (from /proc: the bot's threads' children whose command is ffmpeg). */
function ffmpegChildren(): number[] {
  const pid = stack.bot.pid!;
  const children = readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  );
  return children.filter((child) => {
    try {
      return readFileSync(`/proc/${child}/comm`, 'utf8').trim() === 'ffmpeg';
    } catch {
      return false;
    }
  });
}

beforeAll(async () => {
  port = await freePort();
  await startEvilServer();
  // Both the fake's media server and the evil one listen on 127.0.0.1 (any port allowed for this bot).
  stack = await startStack({ env: { HTTP_PORT: String(port), ALLOWED_PRIVATE_HOSTS: '127.0.0.1' } });
  g = stack.guildId;
  stack.join(stack.users.alice);
});

// Each fault starts from silence and an empty queue.
afterEach(async () => {
  await stack.ask(stack.users.alice, 'stop');
});

afterAll(async () => {
  await stack?.close();
  await new Promise<void>((resolve) => (evil ? evil.close(() => resolve()) : resolve()));
});

/** The reopen the session makes once per track after a mid-track failure, logged after `since`. */
function reopenedSince(since: number): boolean {
  return stack.bot.logs.some((l) => l.json?.msg === 'stream failed mid-track; reopening' && l.at >= since);
}

describe('a source that breaks mid-track', () => {
  it('stalls (headers and 5 s of audio, then nothing): reopened once, then given up with a notice; the next track plays', async () => {
    const stalled = await stack.media.stall({ hz: 470, seconds: 60, format: 'ogg' }, 60_000);
    const since = await playWithNext(stalled, 470, 870);
    await stack.discord.voice.waitForFrequency(g, 870, { toleranceHz: 5, since, timeoutMs: 60_000 });
    expect(reopenedSince(since)).toBe(true);
    const notices = noticesSince(since).filter((n) => n.startsWith('⚠️'));
    expect(notices).toEqual([expect.stringMatching(/Couldn't play \*\*470.*(took too long|couldn't fetch)/)]);
    await expectAlive();
  }, 90_000);

  it('turns into random bytes after 40 %: reopened once (through ffmpeg, which reads past the garbage), then the next track plays', async () => {
    const since = await playWithNext(`http://${evilHost}/garbage/471-20.ogg`, 471, 871);
    await stack.discord.voice.waitForFrequency(g, 871, { toleranceHz: 5, since, timeoutMs: 45_000 });
    expect(reopenedSince(since)).toBe(true);
    await expectAlive();
  }, 90_000);

  it('is cut (connection closed short of its length after 40 %): reopened once, then given up with the catalogue message; the next track plays', async () => {
    const since = await playWithNext(`http://${evilHost}/cut/472-20.ogg`, 472, 872);
    await stack.discord.voice.waitForFrequency(g, 872, { toleranceHz: 5, since, timeoutMs: 45_000 });
    expect(reopenedSince(since)).toBe(true);
    const notices = noticesSince(since).filter((n) => n.startsWith('⚠️'));
    expect(notices).toEqual([expect.stringMatching(/Couldn't play \*\*472.*couldn't fetch that link/)]);
    await expectAlive();
  }, 90_000);
});

describe('ffmpeg dies', () => {
  it('SIGKILL of the ffmpeg under a transcoded track: a new ffmpeg takes over where it was, nothing is skipped or lost', async () => {
    const mp3 = await stack.media.tone({ hz: 480, seconds: 60, format: 'mp3' });
    const since = await playWithNext(mp3, 480, 880);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const victims = ffmpegChildren();
    expect(victims.length).toBe(1);
    const killedAt = performance.now();
    process.kill(victims[0]!, 'SIGKILL');
    const reopened = await stack.bot.waitForLog(
      (l) => l.json?.msg === 'stream failed mid-track; reopening' && l.at >= killedAt,
      10_000,
    );
    expect(String((reopened.json?.err as { message?: string } | undefined)?.message)).toMatch(/ffmpeg was killed/);
    // The killed ffmpeg's buffered tail was dropped, so 480 Hz from now on comes from its replacement.
    await stack.discord.voice.waitForFrequency(g, 480, { toleranceHz: 5, since: reopened.at + 200, timeoutMs: 15_000 });
    const replacement = ffmpegChildren();
    expect(replacement.length).toBe(1);
    expect(replacement[0]).not.toBe(victims[0]);
    expect(await stack.ask(stack.users.alice, 'queue')).toMatch(/Now playing:\*\* 480[\s\S]*880/);
    expect(noticesSince(since).filter((n) => n.startsWith('⚠️'))).toEqual([]);
    await expectAlive();
  }, 90_000);

  it('never logged an uncaught exception or unhandled rejection, and every message stayed clean', () => {
    expect(
      stack.bot.logs
        .filter((l) => /uncaught exception|unhandled promise rejection/.test(String(l.json?.msg ?? l.line)))
        .map((l) => l.line),
    ).toEqual([]);
    expectCleanMessages(stack);
  });
});
