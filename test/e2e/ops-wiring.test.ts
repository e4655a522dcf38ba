import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './harness.js';
import {
  startBot,
  startMediaServer,
  startOfflineDiscord,
  type BotProcess,
  type MediaServer,
  type OfflineDiscord,
} from '../offline-discord/index.js';

let discord: OfflineDiscord | undefined;
let media: MediaServer | undefined;
afterEach(async () => {
  await discord?.close();
  await media?.close();
});

const get = async (port: number, path: string) => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
};
const metric = (body: string, series: string) =>
  Number(
    body
      .split('\n')
      .find((l) => l.startsWith(`${series} `))
      ?.slice(series.length + 1),
  );

describe('ops wiring against the offline Discord', () => {
  it('healthz/readyz once ready, metrics count a /play, its frames and its stream', async () => {
    discord = await startOfflineDiscord();
    media = await startMediaServer();
    const port = await freePort();
    const bot: BotProcess = startBot(discord, {
      mediaHost: media.host,
      env: { HTTP_PORT: String(port), SHARDS: 'auto' },
    });
    await bot.waitUntilReady();
    await bot.waitForLog('health and metrics endpoint listening');
    expect((await get(port, '/healthz')).status).toBe(200);
    const ready = await get(port, '/readyz');
    expect(ready.status, ready.body).toBe(200);
    expect(JSON.parse(ready.body).checks.store.ok).toBe(true);
    const guildId = discord.guild.id;
    const alice = discord.world.userByName('alice')!;
    discord.setUserVoiceChannel(guildId, alice.id, discord.world.voiceChannel(guildId, 'Music').id);
    const ogg = await media.tone({ hz: 440, seconds: 14, format: 'ogg' });
    const play = discord.sendCommand({ guildId, userId: alice.id, name: 'play', options: { query: ogg } });
    await play.deferral();
    await discord.voice.waitForFrequency(guildId, 440, { toleranceHz: 3, since: play.dispatchedAt });
    await new Promise((r) => setTimeout(r, 10_500)); // at least one full frame-monitor window
    const { body } = await get(port, '/metrics');
    expect(metric(body, 'tunebot_commands_total{command="play"}')).toBe(1);
    expect(metric(body, 'tunebot_interaction_deferral_seconds_count{command="play"}')).toBe(1);
    expect(metric(body, 'tunebot_sessions{state="playing"}')).toBe(1);
    expect(metric(body, 'tunebot_streams{pipeline="passthrough"}')).toBe(1);
    expect(metric(body, 'tunebot_voice_frames_sent_total')).toBeGreaterThan(200);
    // The 14 s tone ends; on a loaded machine allow for late frames instead of sleeping a fixed time.
    let after = '';
    for (
      const deadline = performance.now() + 20_000;
      performance.now() < deadline;
      await new Promise((r) => setTimeout(r, 250))
    ) {
      after = (await get(port, '/metrics')).body;
      if (metric(after, 'tunebot_streams{pipeline="passthrough"}') === 0) break;
    }
    expect(metric(after, 'tunebot_voice_frames_sent_total')).toBeGreaterThan(650); // ~700 frames in 14 s
    expect(metric(after, 'tunebot_streams{pipeline="passthrough"}')).toBe(0);
    expect(metric(after, 'tunebot_sessions{state="idle"}')).toBe(1);
    const exit = bot.kill('SIGTERM');
    await exit;
    expect(bot.logs.some((l) => l.line.includes('unhandled'))).toBe(false);
  }, 60_000);

  it('start:sharded runs two shards with SHARDS=auto asked at DISCORD_API_URL', async () => {
    discord = await startOfflineDiscord({ shards: 2 });
    const bot = startBot(discord, { entry: 'dist/shard-manager.js', env: { SHARDS: 'auto', LOG_LEVEL: 'info' } });
    await bot.waitForLog('Discord recommends this many shards');
    await discord.gateway.waitForReady(40_000);
    const exit = await bot.kill('SIGTERM', 20_000);
    expect(exit.code).toBe(0);
    expect(bot.logs.filter((l) => l.line.includes('"msg":"shutting down"')).length).toBe(2);
  }, 90_000);
});
