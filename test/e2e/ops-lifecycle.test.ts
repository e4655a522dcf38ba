import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './harness.js';
import {
  shardOf,
  startBot,
  startMediaServer,
  startOfflineDiscord,
  type MediaServer,
  type OfflineDiscord,
} from '../offline-discord/index.js';

/** Readiness follows the gateway; sharded processes each serve (and play in) their own guilds. */
let discord: OfflineDiscord | undefined;
let media: MediaServer | undefined;

afterEach(async () => {
  await discord?.close();
  await media?.close();
});

const readyz = async (port: number): Promise<number> => (await fetch(`http://127.0.0.1:${port}/readyz`)).status;

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('readiness and sharding', () => {
  it('/readyz turns 503 while the gateway is down and 200 again once it is back', async () => {
    discord = await startOfflineDiscord();
    const port = await freePort();
    const bot = startBot(discord, { env: { HTTP_PORT: String(port) } });
    await bot.waitUntilReady();
    await until(async () => (await readyz(port)) === 200, 10_000, 'ready');
    // A close code that does not allow resuming makes discord.js identify again: a real outage window.
    discord.gateway.sendInvalidSession(false);
    await until(async () => (await readyz(port)) === 503, 10_000, '503 while the gateway is down');
    await until(async () => (await readyz(port)) === 200, 30_000, 'ready again');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  }, 60_000);

  it('two shards each own their guilds and both play', async () => {
    discord = await startOfflineDiscord({ shards: 2, guilds: [{ name: 'one' }, { name: 'two' }] });
    media = await startMediaServer();
    const guilds = [...discord.world.guilds.keys()];
    expect(new Set(guilds.map((id) => shardOf(id, 2))).size).toBe(2);
    const bot = startBot(discord, {
      entry: 'dist/shard-manager.js',
      mediaHost: media.host,
      env: { SHARDS: '2', LOG_LEVEL: 'info' },
    });
    await until(
      async () => [...discord!.gateway.sessions.values()].filter((s) => s.ready && !s.invalid).length >= 2,
      60_000,
      'both shards ready',
    );
    await until(async () => discord!.commands.list().length > 0, 20_000, 'commands registered');
    const tones = [330, 660];
    for (const [i, guildId] of guilds.entries()) {
      const alice = discord.world.userByName('alice')!.id;
      discord.setUserVoiceChannel(guildId, alice, discord.world.voiceChannel(guildId, 'Music').id);
      const url = await media.tone({ hz: tones[i] ?? 440, seconds: 30, format: 'ogg' });
      const play = discord.sendCommand({ guildId, userId: alice, name: 'play', options: { query: url } });
      await play.reply((m) => /Started/.test(m.content ?? ''), 30_000);
    }
    for (const [i, guildId] of guilds.entries()) {
      await discord.voice.waitForFrequency(guildId, tones[i] ?? 440, { toleranceHz: 4, timeoutMs: 20_000 });
    }
    // Each guild's interactions were answered by the shard that owns it (one session per shard in voice).
    const pids = new Set(bot.logs.filter((l) => l.json?.msg === 'session started').map((l) => l.json?.pid));
    expect(pids.size).toBe(2);
    const exit = await bot.kill('SIGTERM', 20_000);
    expect(exit.code).toBe(0);
  }, 120_000);
});
