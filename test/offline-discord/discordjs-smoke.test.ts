import { afterEach, describe, expect, it } from 'vitest';
import { startBot, startMediaServer, startOfflineDiscord } from './index.js';
import type { BotProcess, MediaServer, OfflineDiscord, VoiceEncryptionMode } from './index.js';

const CALLBACK = '/interactions/{interaction_id}/{interaction_token}/callback';
const ORIGINAL = '/webhooks/{webhook_id}/{webhook_token}/messages/@original';

let discord: OfflineDiscord | undefined;
let media: MediaServer | undefined;

afterEach(async () => {
  await discord?.close();
  await media?.close();
  discord = undefined;
  media = undefined;
});

/** Starts the fake, the media server and the discord.js smoke client; returns ids the tests use. */
async function setup(voiceModes?: VoiceEncryptionMode[]) {
  discord = await startOfflineDiscord({ daveProtocol: 1, ...(voiceModes ? { voiceModes } : {}) });
  media = await startMediaServer();
  const bot: BotProcess = startBot(discord, {
    entry: 'test/offline-discord/smoke-client.ts',
    nodeArgs: [],
    mediaHost: media.host,
  });
  await bot.waitUntilReady();
  const guild = discord.guild;
  const alice = discord.world.userByName('alice')!;
  const music = discord.world.voiceChannel(guild.id, 'Music');
  discord.setUserVoiceChannel(guild.id, alice.id, music.id);
  return { discord, media, bot, guildId: guild.id, userId: alice.id, musicId: music.id };
}

describe('offline-discord against real discord.js + @discordjs/voice', () => {
  it('serves login, a deferred slash command, voice join and Ogg/Opus + MP3 audio (AES-GCM)', async () => {
    const { discord, media, bot, guildId, userId } = await setup();
    expect(bot.logs.some((l) => l.json?.event === 'ready')).toBe(true);
    expect(discord.commands.list().map((c) => c.name)).toContain('play');

    const ogg = await media.tone({ hz: 440, seconds: 3, format: 'ogg' });
    const play = discord.sendCommand({ guildId, userId, name: 'play', options: { url: ogg, input: 'ogg' } });
    const deferral = await play.deferral();
    expect(deferral.type).toBe(5);
    expect((await play.firstRequest()).route).toBe(CALLBACK);
    const reply = await play.reply((m) => m.content === 'Playing ogg');
    expect(reply.source).toBe('original-edit');
    expect(reply.allowedMentions).toEqual({ parse: [] });
    expect(play.requests.map((c) => c.route)).toEqual([CALLBACK, ORIGINAL]);

    const tone = await discord.voice.waitForFrequency(guildId, 440, { toleranceHz: 3, since: play.dispatchedAt });
    expect(Math.abs(tone.hz - 440)).toBeLessThan(3);
    const connection = discord.voice.activeConnection(guildId)!;
    expect(connection.mode).toBe('aead_aes256_gcm_rtpsize');
    expect(connection.speaking.some((s) => s.speaking === 1)).toBe(true);
    await play.reply((m) => m.content === 'Finished', 10_000);
    const silentFrom = await discord.voice.waitForSilence(guildId, 300);
    expect(silentFrom).toBeGreaterThan(tone.at);
    const packets = discord.voice.packets(guildId);
    expect(packets.some((p) => p.silence)).toBe(true);
    expect(discord.voice.gapStats(guildId).missingSequences).toBe(0);
    expect(connection.decryptErrors).toBe(0);
    // DAVE v1: alice is an MLS member and decrypted the tone. (This minimal client plays as soon as the
    // connection is Ready, so its first frames may precede the group; tunebot itself waits for it.)
    expect(connection.daveProtocolVersion).toBe(1);
    const dave = discord.voice.dave.get(guildId)!;
    expect(dave.gateway.tree).toContain(userId);
    expect(dave.stats.e2ee).toBeGreaterThan(100);
    expect(packets.filter((p) => p.audible && p.arrivalMs > dave.transitions[0]!.executedAt! + 250 && !p.e2ee)).toEqual(
      [],
    );
    expect(discord.voice.daveViolations()).toEqual([]);

    const mp3 = await media.tone({ hz: 660, seconds: 2, format: 'mp3' });
    const mark = performance.now();
    const second = discord.sendCommand({ guildId, userId, name: 'play', options: { url: mp3, input: 'arbitrary' } });
    expect((await second.deferral()).type).toBe(5);
    const measured = await discord.voice.waitForFrequency(guildId, 660, { toleranceHz: 3, since: mark });
    expect(Math.abs(measured.hz - 660)).toBeLessThan(3);
    expect(media.hits(mp3)).toBe(1);
    discord.assertNoViolations();
  });

  it('negotiates XChaCha20-Poly1305 when it is the only mode offered', async () => {
    const { discord, media, guildId, userId } = await setup(['aead_xchacha20_poly1305_rtpsize']);
    const ogg = await media.tone({ hz: 880, seconds: 2, format: 'ogg' });
    const play = discord.sendCommand({ guildId, userId, name: 'play', options: { url: ogg, input: 'ogg' } });
    await play.deferral();
    const tone = await discord.voice.waitForFrequency(guildId, 880, { toleranceHz: 3, since: play.dispatchedAt });
    expect(Math.abs(tone.hz - 880)).toBeLessThan(3);
    const connection = discord.voice.activeConnection(guildId)!;
    expect(connection.mode).toBe('aead_xchacha20_poly1305_rtpsize');
    expect(connection.decryptErrors).toBe(0);
    discord.assertNoViolations();
  });
});
