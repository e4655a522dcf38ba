import { REST } from '@discordjs/rest';
import { PermissionFlagsBits, Routes } from 'discord-api-types/v10';
import { SlashCommandBuilder } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sharedOpenApiValidator, startOfflineDiscord } from './index.js';
import type { OfflineDiscord } from './index.js';

let discord: OfflineDiscord;
beforeEach(async () => {
  discord = await startOfflineDiscord();
});
afterEach(async () => {
  await discord.close();
});

const rest = (): REST => new REST({ api: discord.apiUrl, version: '10', retries: 2 }).setToken(discord.token);
const api = (path: string, init: RequestInit = {}): Promise<Response> =>
  fetch(`${discord.apiUrl}/v10${path}`, {
    ...init,
    headers: {
      authorization: `Bot ${discord.token}`,
      'content-type': 'application/json',
      ...(init.headers as Record<string, string>),
    },
  });

describe('OpenAPI validation', () => {
  const validator = sharedOpenApiValidator();

  it('accepts what discord.js sends and rejects invalid bodies', () => {
    const original = '/webhooks/{webhook_id}/{webhook_token}/messages/@original';
    expect(
      validator.validate(original, 'PATCH', {
        content: 'ok',
        embeds: [{ title: 't', color: 1 }],
        allowed_mentions: { parse: [] },
      }).errors,
    ).toEqual([]);
    expect(validator.validate(original, 'PATCH', { content: 'x'.repeat(2001) }).errors.join()).toMatch(/2000/);
    expect(validator.validate(original, 'PATCH', { embeds: 'nope' }).errors.length).toBeGreaterThan(0);
    const callback = '/interactions/{interaction_id}/{interaction_token}/callback';
    expect(validator.validate(callback, 'POST', { type: 5, data: { flags: 64 } }).errors).toEqual([]);
    expect(validator.validate(callback, 'POST', { type: 42 }).errors.length).toBeGreaterThan(0);
    expect(validator.validate(callback, 'POST', undefined).errors).toEqual(['request body is required but missing']);
    expect(validator.validate('/nope', 'POST', {}).known).toBe(false);
  });

  it('accepts permission bitfields as strings (what discord.js sends and Discord accepts) but nothing else', () => {
    const commands = '/applications/{application_id}/commands';
    const play = new SlashCommandBuilder()
      .setName('settings')
      .setDescription('Settings')
      .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild);
    expect(play.toJSON().default_member_permissions).toBe('32');
    expect(validator.validate(commands, 'PUT', [play.toJSON()]).errors).toEqual([]);
    expect(
      validator.validate(commands, 'PUT', [{ name: 'a', description: 'b', default_member_permissions: 32 }]).errors,
    ).toEqual([]);
    expect(
      validator.validate(commands, 'PUT', [{ name: 'a', description: 'b', default_member_permissions: 'ManageGuild' }])
        .errors.length,
    ).toBeGreaterThan(0);
  });

  it('records a violation (with details) for an invalid body sent to the server, and for multipart payload_json', async () => {
    const channel = discord.world.textChannel(discord.guild.id).id;
    const res = await api(`/channels/${channel}/messages`, {
      method: 'POST',
      body: JSON.stringify({ content: 'x'.repeat(4001), embeds: [{ color: 'red' }] }),
    });
    expect(res.status).toBe(200);
    expect(discord.rest.violations).toHaveLength(1);
    expect(() => discord.assertNoViolations()).toThrow(/4000 characters[\s\S]*color must be integer/);
    discord.rest.violations.length = 0;

    const form = new FormData();
    form.append(
      'payload_json',
      JSON.stringify({ content: 'with file', attachments: [{ id: '0', filename: 'a.txt' }] }),
    );
    form.append('files[0]', new Blob(['hello']), 'a.txt');
    const upload = await fetch(`${discord.apiUrl}/v10/channels/${channel}/messages`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bot ${discord.token}` },
    });
    expect(upload.status).toBe(200);
    const message = (await upload.json()) as { attachments: Array<{ filename: string; size: number }> };
    expect(message.attachments).toMatchObject([{ filename: 'a.txt', size: 5 }]);
    discord.assertNoViolations();
    expect(discord.rest.calls.at(-1)?.files).toMatchObject([
      { field: 'files[0]', filename: 'a.txt', size: 5, contentType: 'application/octet-stream' },
    ]);
    expect(discord.rest.calls.at(-1)?.files?.[0]?.content?.toString()).toBe('hello');
  });

  it('answers unknown routes with 404 and wrong tokens with 401, both recorded as violations', async () => {
    expect((await api('/guilds/1/bans/2', { method: 'PUT', body: '{}' })).status).toBe(404);
    expect((await api('/totally/unknown')).status).toBe(404);
    expect((await api('/users/@me', { headers: { authorization: 'Bot wrong' } })).status).toBe(401);
    expect(discord.rest.violations.map((v) => [v.kind, v.message])).toEqual([
      ['unknown-route', 'route exists in Discord but not in the fake'],
      ['unknown-route', 'not a Discord API route'],
      ['auth', expect.stringMatching(/Authorization/)],
    ]);
  });
});

describe('REST behaviour and faults', () => {
  it('records every call with route template, query, body, time and status', async () => {
    const before = performance.now();
    const client = rest();
    await client.put(Routes.applicationCommands(discord.world.applicationId), {
      body: [{ name: 'play', description: 'Play' }],
    });
    const commands = (await client.get(Routes.applicationCommands(discord.world.applicationId))) as Array<{
      id: string;
      name: string;
    }>;
    expect(commands).toMatchObject([{ name: 'play', application_id: discord.world.applicationId }]);
    const [put, get] = discord.rest.calls;
    expect(put).toMatchObject({
      method: 'PUT',
      route: '/applications/{application_id}/commands',
      status: 200,
      body: [{ name: 'play', description: 'Play' }],
    });
    expect(put!.at).toBeGreaterThanOrEqual(before);
    expect(get!.at).toBeGreaterThanOrEqual(put!.at);
    discord.assertNoViolations();
  });

  it('makes discord.js wait out a 429 (retry_after + headers) and retry a 500', async () => {
    const channel = discord.world.textChannel(discord.guild.id).id;
    discord.rest.fail({ route: '/channels/{channel_id}/messages', method: 'POST', status: 429, retryAfter: 0.3 });
    discord.rest.fail({ route: '/channels/{channel_id}', method: 'GET', status: 500, times: 2 });
    const client = rest();
    const started = performance.now();
    const sent = (await client.post(Routes.channelMessages(channel), { body: { content: 'hi' } })) as {
      id: string;
      content: string;
    };
    expect(sent.content).toBe('hi');
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    expect((await client.get(Routes.channel(channel))) as { id: string }).toMatchObject({ id: channel });
    expect(discord.rest.calls.map((c) => `${c.method} ${c.status}${c.faulted ? ' fault' : ''}`)).toEqual([
      'POST 429 fault',
      'POST 200',
      'GET 500 fault',
      'GET 500 fault',
      'GET 200',
    ]);
    expect(discord.channelMessages(channel).map((m) => m.content)).toEqual(['hi']);
  });

  it('refuses to post where the bot lacks permissions, as Discord does (403 50013)', async () => {
    const guildId = discord.guild.id;
    const channel = discord.world.textChannel(guildId).id;
    discord.setChannelPermissionOverwrites(guildId, channel, [
      { id: guildId, type: 0, allow: '0', deny: String(1n << 11n) },
    ]);
    await expect(rest().post(Routes.channelMessages(channel), { body: { content: 'x' } })).rejects.toMatchObject({
      code: 50013,
      status: 403,
    });
  });
});
