import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync, existsSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startBot,
  startMediaServer,
  startOfflineDiscord,
  type BotProcess,
  type MediaServer,
  type OfflineDiscord,
} from '../offline-discord/index.js';
import { startStack, type Stack, freePort } from './harness.js';

/**
 * Storage faults: the SQLite file (DATA_DIR/tunebot.sqlite) locked by another process, deleted, or
 * overwritten while the bot runs; DATA_DIR out of space; the process SIGKILLed mid-play. Persistence is a
 * convenience (restart resume, settings), so none of these may stop the music or a command: the store turns
 * unhealthy in /readyz (not critical, so the bot stays ready), says why in the log, and recovers by itself
 * once the fault is gone. A SIGKILL loses at most the last checkpoint of position, never a queued track.
 */
let stack: Stack;
let g: string;
let port: number;
/** When the first track was first heard (its position 0). */
let firstHeardAt: number;

interface StoreCheck {
  ready: boolean;
  store: { ok: boolean; detail?: string } | undefined;
}

async function readiness(httpPort = port): Promise<StoreCheck> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/readyz`);
  const body = (await res.json()) as { checks?: { store?: { ok: boolean; detail?: string } } };
  return { ready: res.status === 200, store: body.checks?.store };
}

async function expectAlive(bot: BotProcess = stack.bot, httpPort = port): Promise<void> {
  expect(bot.exitInfo, 'the bot process is still running').toBeUndefined();
  expect((await fetch(`http://127.0.0.1:${httpPort}/healthz`)).status).toBe(200);
}

async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const sqlitePath = () => join(stack.bot.dataDir, 'tunebot.sqlite');

/** Queues a tone (a queue change: the session is saved at once). */
async function queueTone(hz: number): Promise<string> {
  return stack.ask(stack.users.alice, 'play', {
    query: `${await stack.media.tone({ hz, seconds: 120, format: 'ogg' })}?q=${hz}`,
  });
}

beforeAll(async () => {
  port = await freePort();
  stack = await startStack({ env: { HTTP_PORT: String(port) } });
  g = stack.guildId;
  stack.join(stack.users.alice);
  const since = performance.now();
  expect(await queueTone(440)).toMatch(/Started/);
  firstHeardAt = await stack.discord.voice.waitForAudio(g, { since, timeoutMs: 15_000 });
});

afterAll(async () => {
  await stack?.close();
});

describe('the SQLite file while the bot runs', () => {
  it('locked by another process: commands and music go on, the store reports unhealthy, then recovers once unlocked', async () => {
    const other = new DatabaseSync(sqlitePath(), { timeout: 5000 });
    other.exec('BEGIN EXCLUSIVE');
    try {
      const since = performance.now();
      expect(await queueTone(441)).toMatch(/Queued/);
      const store = await waitFor('the store to turn unhealthy', async () => {
        const check = await readiness();
        return check.store?.ok === false ? check : undefined;
      });
      expect(store.ready).toBe(true); // not critical: the bot keeps taking commands
      expect(store.store?.detail).toMatch(/locked|busy|did not answer/i);
      await stack.discord.voice.waitForFrequency(g, 440, { toleranceHz: 5, since, timeoutMs: 5000 });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    // The next save succeeds and health comes back without a restart.
    expect(await queueTone(442)).toMatch(/Queued/);
    await waitFor('the store to recover', async () => ((await readiness()).store?.ok ? true : undefined));
    expect(await stack.ask(stack.users.alice, 'queue')).toMatch(/441[\s\S]*442/);
    await expectAlive();
  });

  it('SIGKILL mid-play: the restarted bot resumes the track near where it was, with every queued track', async () => {
    await new Promise((resolve) => setTimeout(resolve, 6000)); // past one 5 s position checkpoint
    const killedAt = performance.now();
    await stack.bot.kill('SIGKILL');
    await stack.restart({ env: { HTTP_PORT: String(port) } });
    const notice = await stack.discord.waitForChannelMessage(
      stack.textChannelId,
      (m) => m.at > killedAt && /I was restarted/.test(m.content),
      20_000,
    );
    expect(notice.content).toMatch(/Picking up \*\*440.* at 0:\d\d with 2 more in the queue/);
    // Positions are checkpointed every 5 s: at most that much (plus a little) is replayed, nothing skipped.
    const reached = (killedAt - firstHeardAt) / 1000;
    const resumed = Number(/at 0:(\d\d)/.exec(notice.content)![1]);
    expect(resumed).toBeGreaterThanOrEqual(Math.floor(reached - 6.5));
    expect(resumed).toBeLessThanOrEqual(Math.ceil(reached));
    await stack.discord.voice.waitForFrequency(g, 440, { toleranceHz: 5, since: killedAt, timeoutMs: 20_000 });
    expect(await stack.ask(stack.users.alice, 'queue')).toMatch(/Now playing:\*\* 440[\s\S]*441[\s\S]*442/);
    await expectAlive();
  });

  it('corrupted (header overwritten) across a restart: the bot still starts, says why in /readyz, and plays (what the file held is gone)', async () => {
    await stack.bot.kill('SIGTERM', 10_000);
    const fd = openSync(sqlitePath(), 'r+');
    writeSync(fd, Buffer.from('this is not a database, it was overwritten by a test!!'), 0, undefined, 0);
    closeSync(fd);
    for (const suffix of ['-wal', '-shm']) rmSync(sqlitePath() + suffix, { force: true });
    const since = performance.now();
    await stack.restart({ env: { HTTP_PORT: String(port) } });
    const check = await waitFor('the store check', async () => ((await readiness()).store ? readiness() : undefined));
    expect(check.ready).toBe(true);
    expect(check.store?.ok).toBe(false);
    expect(check.store?.detail).toMatch(/not a database|corrupt|malformed|NOTADB/i);
    expect(stack.bot.logs.some((l) => l.at > since && /store unavailable/.test(String(l.json?.msg)))).toBe(true);
    const url = await stack.media.tone({ hz: 640, seconds: 30, format: 'ogg' });
    const play = stack.command(stack.users.alice, 'play', { query: url });
    expect((await play.reply(undefined, 20_000)).content).toMatch(/Started/);
    await stack.discord.voice.waitForFrequency(g, 640, { toleranceHz: 5, since: play.dispatchedAt, timeoutMs: 15_000 });
    await expectAlive();
  });

  it('deleted: the music and commands go on; the queue is still served from the running session', async () => {
    // (The store recreates a deleted file at its next periodic probe, within 30 s; saves until then are lost.)
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(sqlitePath() + suffix)) unlinkSync(sqlitePath() + suffix);
    expect(await queueTone(443)).toMatch(/Queued/);
    await stack.discord.voice.waitForFrequency(g, 640, { toleranceHz: 5, timeoutMs: 5000 });
    expect(await stack.ask(stack.users.alice, 'queue')).toMatch(/Now playing:\*\* 640[\s\S]*443/);
    await expectAlive();
  });
});

describe('DATA_DIR out of space', () => {
  let mount: string | undefined;
  let discord: OfflineDiscord | undefined;
  let media: MediaServer | undefined;

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'tunebot-enospc-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
      mount = dir;
    } catch {
      rmSync(dir, { recursive: true, force: true }); // not root, or no mount in this container
    }
  });

  afterAll(async () => {
    await discord?.close();
    await media?.close();
    if (mount) {
      execFileSync('umount', [mount], { stdio: 'ignore' });
      rmSync(mount, { recursive: true, force: true });
    }
  });

  it('a full disk fails every save, never a command; space freed, the store recovers by itself', async (context) => {
    if (!mount) return context.skip();
    discord = await startOfflineDiscord();
    media = await startMediaServer();
    const httpPort = await freePort();
    const bot = startBot(discord, { mediaHost: media.host, dataDir: mount, env: { HTTP_PORT: String(httpPort) } });
    await bot.waitUntilReady();
    const guildId = discord.guild.id;
    const alice = discord.world.userByName('alice')!.id;
    discord.setUserVoiceChannel(guildId, alice, discord.world.voiceChannel(guildId, 'Music').id);
    const ask = async (hz: number) => {
      const url = `${await media!.tone({ hz, seconds: 60, format: 'ogg' })}?q=${hz}`;
      return (
        await discord!
          .sendCommand({ guildId, userId: alice, name: 'play', options: { query: url } })
          .reply(undefined, 20_000)
      ).content;
    };
    expect(await ask(450)).toMatch(/Started/);
    // Fill what is left of the 1 MB file system.
    const filler = join(mount, 'filler');
    const fd = openSync(filler, 'w');
    const chunk = Buffer.alloc(16 * 1024);
    try {
      for (;;) writeSync(fd, chunk);
    } catch {
      // ENOSPC: full
    } finally {
      closeSync(fd);
    }
    expect(statfsSync(mount).bavail).toBe(0);
    for (const hz of [451, 452, 453]) expect(await ask(hz)).toMatch(/Queued/);
    const full = await waitFor('the store to turn unhealthy', async () => {
      const check = await readiness(httpPort);
      return check.store?.ok === false ? check : undefined;
    });
    expect(full.ready).toBe(true);
    expect(full.store?.detail).toMatch(/full|ENOSPC|disk|did not answer/i);
    await discord.voice.waitForFrequency(guildId, 450, { toleranceHz: 5, timeoutMs: 10_000 });
    rmSync(filler);
    expect(await ask(454)).toMatch(/Queued/);
    await waitFor('the store to recover', async () => ((await readiness(httpPort)).store?.ok ? true : undefined));
    await expectAlive(bot, httpPort);
  });
});
