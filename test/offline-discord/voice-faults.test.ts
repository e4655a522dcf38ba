import { afterEach, describe, expect, it } from 'vitest';
import { startBot, startMediaServer, startOfflineDiscord } from './index.js';
import type { BotProcess, MediaServer, OfflineDiscord } from './index.js';

let discord: OfflineDiscord | undefined;
let media: MediaServer | undefined;
afterEach(async () => {
  await discord?.close();
  await media?.close();
  discord = undefined;
  media = undefined;
});

/** Starts everything and gets a long 500 Hz tone playing in the default guild. */
async function playing() {
  discord = await startOfflineDiscord();
  media = await startMediaServer();
  const bot: BotProcess = startBot(discord, {
    entry: 'test/offline-discord/smoke-client.ts',
    nodeArgs: [],
    mediaHost: media.host,
  });
  await bot.waitUntilReady();
  const guildId = discord.guild.id;
  const userId = discord.world.userByName('alice')!.id;
  discord.setUserVoiceChannel(guildId, userId, discord.world.voiceChannel(guildId, 'Music').id);
  const url = await media.tone({ hz: 500, seconds: 30, format: 'ogg' });
  const play = discord.sendCommand({ guildId, userId, name: 'play', options: { url, input: 'ogg' } });
  await discord.voice.waitForFrequency(guildId, 500, { since: play.dispatchedAt, timeoutMs: 15_000 });
  return { discord, bot, guildId, userId };
}

/** Resolves once 500 Hz audio arrives again after `since`. */
function audioResumes(d: OfflineDiscord, guildId: string, since: number): Promise<{ hz: number; at: number }> {
  return d.voice.waitForFrequency(guildId, 500, { since, timeoutMs: 15_000 });
}

describe('voice fault controls against @discordjs/voice', () => {
  it('4015 and 1006 are resumed (same ssrc and key); 4006 makes the client rejoin; a server move reconnects elsewhere', async () => {
    const { discord, bot, guildId } = await playing();
    const first = discord.voice.activeConnection(guildId)!;

    let mark = performance.now();
    discord.voice.closeVoice(guildId, 4015);
    await audioResumes(discord, guildId, mark + 50);
    const resumed = discord.voice.activeConnection(guildId)!;
    expect(resumed).toMatchObject({ resumed: true, ssrc: first.ssrc, mode: first.mode });
    expect(first.closeCode).toBe(4015);

    mark = performance.now();
    discord.voice.closeVoice(guildId, 1006);
    await audioResumes(discord, guildId, mark + 50);
    expect(discord.voice.activeConnection(guildId)).toMatchObject({ resumed: true, ssrc: first.ssrc });

    mark = performance.now();
    discord.voice.closeVoice(guildId, 4006);
    await audioResumes(discord, guildId, mark + 50);
    const rejoined = discord.voice.activeConnection(guildId)!;
    expect(rejoined.resumed).toBe(false);
    expect(rejoined.ssrc).not.toBe(first.ssrc);
    expect(discord.gateway.opsOf(4).length).toBeGreaterThanOrEqual(2);

    mark = performance.now();
    const target = discord.voice.moveVoiceServer(guildId);
    await audioResumes(discord, guildId, mark + 50);
    expect(discord.voice.activeConnection(guildId)!.server).toBe(target.name);
    expect(target.name).toBe('secondary');
    expect(bot.logs.filter((l) => l.json?.event === 'error')).toEqual([]);
    for (const c of discord.voice.connections(guildId)) expect(c.decryptErrors).toBe(0);
    discord.assertNoViolations();
  });

  it('a UDP blackout shows up as an arrival gap with missing sequence numbers, then audio continues', async () => {
    const { discord, guildId } = await playing();
    const mark = performance.now();
    discord.voice.blackoutUdp(guildId, 600);
    await audioResumes(discord, guildId, mark + 700);
    const stats = discord.voice.gapStats(guildId, mark - 200);
    expect(stats.max).toBeGreaterThan(500);
    expect(stats.gapsOver40ms).toBeGreaterThanOrEqual(1);
    expect(stats.missingSequences).toBeGreaterThan(20);
    expect(discord.voice.servers[0].droppedPackets).toBeGreaterThan(20);
  });

  it('a kick (VOICE_STATE_UPDATE null + close 4014) disconnects the client without a rejoin; moveBot changes channel', async () => {
    const { discord, bot, guildId } = await playing();
    const lounge = discord.world.voiceChannel(guildId, 'Lounge').id;
    discord.moveBot(guildId, lounge);
    expect(discord.guild.voiceStates.get(discord.world.bot.id)?.channel_id).toBe(lounge);
    await audioResumes(discord, guildId, performance.now());

    const joinsBefore = discord.gateway.opsOf(4).length;
    await discord.voice.kick(guildId);
    await bot.waitForLog(
      (l) => l.json?.event === 'voice' && l.json.status === 'disconnected' && l.json.closeCode === 4014,
    );
    await bot.waitForLog((l) => l.json?.event === 'voice' && l.json.status === 'destroyed', 10_000);
    const silentFrom = await discord.voice.waitForSilence(guildId, 500);
    expect(discord.voice.activeConnection(guildId)).toBeUndefined();
    expect(discord.guild.voiceStates.has(discord.world.bot.id)).toBe(false);
    expect(discord.voice.packets(guildId).filter((p) => p.arrivalMs > silentFrom && p.audible)).toEqual([]);
    // Leaving sends op 4 with channel_id null, which the fake answers; no new join was attempted.
    expect(
      discord.gateway
        .opsOf(4)
        .slice(joinsBefore)
        .map((o) => (o.d as { channel_id: string | null }).channel_id),
    ).toEqual([null]);
  });
});
