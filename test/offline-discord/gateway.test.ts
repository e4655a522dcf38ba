import { ChannelType, GatewayOpcodes } from 'discord-api-types/v10';
import { Events } from 'discord.js';
import type { Client, VoiceState } from 'discord.js';
import { joinVoiceChannel } from '@discordjs/voice';
import { afterEach, describe, expect, it } from 'vitest';
import { shardOf, startOfflineDiscord } from './index.js';
import type { OfflineDiscord, OfflineDiscordOptions } from './index.js';
import { loginClient } from './self-test-client.js';

let discord: OfflineDiscord | undefined;
let client: Client | undefined;
afterEach(async () => {
  await client?.destroy();
  await discord?.close();
  client = undefined;
  discord = undefined;
});

async function start(options: OfflineDiscordOptions = {}, clientOptions: Parameters<typeof loginClient>[1] = {}) {
  discord = await startOfflineDiscord(options);
  client = await loginClient(discord, clientOptions);
  return { discord, client: client as Client<true> };
}

function nextEvent<T>(emitter: Client, event: string, timeoutMs = 10_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    emitter.once(event, (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args as T);
    });
  });
}

describe('fake gateway with a real discord.js Client', () => {
  it('sends READY and a complete GUILD_CREATE (channels, roles, members incl. the bot)', async () => {
    const { discord, client } = await start();
    const guild = client.guilds.cache.get(discord.guild.id)!;
    expect(client.user.id).toBe(discord.world.bot.id);
    expect(client.application.id).toBe(discord.world.applicationId);
    expect(guild.members.me?.id).toBe(discord.world.bot.id);
    expect(guild.roles.everyone.id).toBe(guild.id);
    expect(guild.channels.cache.filter((c) => c.type === ChannelType.GuildVoice).map((c) => c.name)).toEqual([
      'Music',
      'Lounge',
    ]);
    const music = guild.channels.cache.find((c) => c.name === 'Music')!;
    expect(music.permissionsFor(guild.members.me!)?.has(['Connect', 'Speak'])).toBe(true);
    expect(discord.gateway.isReady).toBe(true);
    expect(discord.gateway.opsOf(GatewayOpcodes.Identify)).toHaveLength(1);
    expect(discord.rest.calls.map((c) => c.route)).toEqual(['/gateway/bot']);
  });

  it('dispatches world changes: voice states, permission overwrites, channel deletion, guild removal', async () => {
    const { discord, client } = await start();
    const guildId = discord.guild.id;
    const alice = discord.world.userByName('alice')!;
    const music = discord.world.voiceChannel(guildId, 'Music');
    const joined = nextEvent<[VoiceState, VoiceState]>(client, Events.VoiceStateUpdate);
    discord.setUserVoiceChannel(guildId, alice.id, music.id);
    expect((await joined)[1].channelId).toBe(music.id);
    expect(client.guilds.cache.get(guildId)!.voiceStates.cache.get(alice.id)?.channelId).toBe(music.id);

    const updated = nextEvent(client, Events.ChannelUpdate);
    discord.setChannelPermissionOverwrites(guildId, music.id, [
      { id: guildId, type: 0, allow: '0', deny: String(1n << 20n) },
    ]);
    await updated;
    const me = client.guilds.cache.get(guildId)!.members.me!;
    expect(client.channels.cache.get(music.id)).toBeDefined();
    expect(client.guilds.cache.get(guildId)!.channels.cache.get(music.id)!.permissionsFor(me)!.has('Connect')).toBe(
      false,
    );

    const left = nextEvent<[VoiceState, VoiceState]>(client, Events.VoiceStateUpdate);
    const deleted = nextEvent(client, Events.ChannelDelete);
    await discord.deleteChannel(guildId, music.id);
    expect((await left)[1].channelId).toBeNull();
    await deleted;
    const gone = nextEvent(client, Events.GuildDelete);
    discord.removeBotFromGuild(guildId);
    await gone;
    expect(client.guilds.cache.has(guildId)).toBe(false);
  });

  it('resumes after a close (replaying what was dispatched meanwhile), after op 7, and re-identifies after op 9', async () => {
    const { discord, client } = await start();
    const guildId = discord.guild.id;
    const bob = discord.world.userByName('bob')!;
    const lounge = discord.world.voiceChannel(guildId, 'Lounge');

    const resumed = nextEvent(client, Events.ShardResume);
    discord.gateway.closeGateway(4000);
    const replayed = nextEvent<[VoiceState, VoiceState]>(client, Events.VoiceStateUpdate);
    discord.setUserVoiceChannel(guildId, bob.id, lounge.id); // buffered while disconnected
    await resumed;
    expect((await replayed)[1].channelId).toBe(lounge.id);
    expect(discord.gateway.opsOf(GatewayOpcodes.Resume)).toHaveLength(1);
    expect(discord.gateway.dispatches.filter((d) => d.t === 'VOICE_STATE_UPDATE').map((d) => d.delivered)).toEqual([
      false,
    ]);

    const again = nextEvent(client, Events.ShardResume);
    discord.gateway.sendReconnect();
    await again;
    expect(discord.gateway.opsOf(GatewayOpcodes.Resume)).toHaveLength(2);

    // Wait for the client's own ready event: destroying a discord.js shard while it awaits READY races.
    const reidentified = nextEvent(client, Events.ShardReady);
    discord.gateway.sendInvalidSession(false);
    await reidentified;
    expect(discord.gateway.opsOf(GatewayOpcodes.Identify)).toHaveLength(2);
    expect(discord.gateway.isReady).toBe(true);
    expect(discord.gateway.sessions.size).toBe(2);
  });

  it('acknowledges heartbeats, and a zombie connection (no ACKs) makes discord.js reconnect', async () => {
    const { discord } = await start({ heartbeatIntervalMs: 250 });
    await discord.gateway.feed.waitFor(
      () => (discord.gateway.opsOf(GatewayOpcodes.Heartbeat).length >= 2 ? true : undefined),
      5_000,
      () => 'two heartbeats',
    );
    expect(discord.gateway.isReady).toBe(true);
    discord.gateway.heartbeatAcks = false;
    await discord.gateway.feed.waitFor(
      () => (discord.gateway.opsOf(GatewayOpcodes.Resume).length >= 1 ? true : undefined),
      5_000,
      () => 'a Resume after missed ACKs',
    );
    discord.gateway.heartbeatAcks = true;
    await discord.gateway.waitForReady();
  });

  it('ignores a voice join the bot may not make (no Connect, or a full channel), as Discord does', async () => {
    const { discord, client } = await start({ guilds: [{ voiceChannels: ['Music', { name: 'Tiny', userLimit: 1 }] }] });
    const guildId = discord.guild.id;
    const music = discord.world.voiceChannel(guildId, 'Music').id;
    const tiny = discord.world.voiceChannel(guildId, 'Tiny').id;
    discord.setChannelPermissionOverwrites(guildId, music, [
      { id: guildId, type: 0, allow: '0', deny: String(1n << 20n) },
    ]);
    discord.setUserVoiceChannel(guildId, discord.world.userByName('bob')!.id, tiny);
    const guild = client.guilds.cache.get(guildId)!;
    for (const channelId of [music, tiny]) {
      const connection = joinVoiceChannel({ channelId, guildId, adapterCreator: guild.voiceAdapterCreator });
      connection.on('error', () => undefined);
      await discord.gateway.feed.waitFor(
        () => (discord.voice.rejectedJoins.some((r) => r.channelId === channelId) ? true : undefined),
        5_000,
        () => 'a rejected join',
      );
      connection.destroy();
    }
    expect(discord.gateway.dispatches.filter((d) => d.t === 'VOICE_SERVER_UPDATE')).toEqual([]);
    expect(discord.voice.connections()).toEqual([]);
  });

  it('shards guilds by (id >> 22) % shards and recommends the configured count', async () => {
    const { discord, client } = await start({ shards: 2, guilds: [{}, {}, {}, {}] }, { shards: 'auto' });
    const identifies = discord.gateway.opsOf(GatewayOpcodes.Identify).map((o) => (o.d as { shard: number[] }).shard);
    expect(identifies.sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(client.guilds.cache.size).toBe(4);
    const shards = [...discord.world.guilds.keys()].map((id) => shardOf(id, 2));
    expect(new Set(shards).size).toBe(2);
    for (const [id, guild] of client.guilds.cache) expect(guild.shardId).toBe(shardOf(id, 2));
    expect(discord.gateway.shardCount).toBe(2);
    const added = nextEvent(client, Events.GuildCreate);
    const extra = discord.addGuild({ name: 'Late' });
    await added;
    expect(client.guilds.cache.get(extra.id)?.shardId).toBe(shardOf(extra.id, 2));
  });

  it('accepts any shard count the client chooses, routing guilds by that count', async () => {
    const { discord, client } = await start({ guilds: [{}, {}, {}] }, { shards: [0, 1, 2], shardCount: 3 });
    expect(discord.gateway.shardCount).toBe(3);
    expect(client.guilds.cache.size).toBe(3);
    for (const [id, guild] of client.guilds.cache) expect(guild.shardId).toBe(shardOf(id, 3));
  });
});
