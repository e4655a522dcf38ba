import { ActionRowBuilder, ButtonBuilder, ButtonStyle, Events, MessageFlags } from 'discord.js';
import type { Client, Interaction } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOfflineDiscord } from './index.js';
import type { OfflineDiscord } from './index.js';
import { loginClient } from './self-test-client.js';

let discord: OfflineDiscord;
let client: Client<true>;
let guildId: string;
let userId: string;

beforeEach(async () => {
  discord = await startOfflineDiscord();
  client = await loginClient(discord);
  guildId = discord.guild.id;
  userId = discord.world.userByName('alice')!.id;
});
afterEach(async () => {
  await client.destroy();
  await discord.close();
});

/** Runs `handler` for the next interaction the client receives. */
function onNext(handler: (i: Interaction) => Promise<void>): void {
  client.once(Events.InteractionCreate, (i) => void handler(i).catch((e: unknown) => console.error(e)));
}

describe('interactions through a real discord.js Client', () => {
  it('passes options, member permissions and resolved attachments; follow-up after a deferral replaces the original', async () => {
    let seen: Record<string, unknown> = {};
    onNext(async (i) => {
      if (!i.isChatInputCommand()) return;
      seen = {
        name: i.commandName,
        sub: i.options.getSubcommand(),
        query: i.options.getString('query'),
        volume: i.options.getInteger('volume'),
        file: i.options.getAttachment('file')?.url,
        canConnect: i.memberPermissions?.has('Connect'),
        locale: i.locale,
        botCanSpeak: i.appPermissions.has('Speak'),
        user: i.user.id,
        channel: i.channelId,
      };
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      await i.followUp({ content: 'first follow-up', allowedMentions: { parse: [] } });
      await i.followUp('second follow-up');
    });
    const handle = discord.sendCommand({
      guildId,
      userId,
      name: 'queue',
      subcommand: 'add',
      options: { query: 'lofi', volume: 40 },
      attachments: [{ url: 'http://127.0.0.1:1/song.mp3', contentType: 'audio/mpeg' }],
    });
    expect((await handle.deferral()).body).toEqual({ type: 5, data: { flags: 64 } });
    const second = await handle.reply((m) => m.content === 'second follow-up');
    expect(seen).toEqual({
      name: 'queue',
      sub: 'add',
      query: 'lofi',
      volume: 40,
      file: 'http://127.0.0.1:1/song.mp3',
      canConnect: true,
      locale: 'en-US',
      botCanSpeak: true,
      user: userId,
      channel: discord.world.textChannel(guildId).id,
    });
    const [first] = handle.messages;
    expect(first).toMatchObject({
      content: 'first follow-up',
      source: 'followup',
      ephemeral: true,
      allowedMentions: { parse: [] },
    });
    expect(first!.messageId).toBe(handle.record.originalMessageId);
    expect(second.messageId).not.toBe(first!.messageId);
    discord.assertNoViolations();
  });

  it('answers with_response callbacks, fetchReply and deleteReply like Discord', async () => {
    let result: Record<string, unknown> = {};
    onNext(async (i) => {
      if (!i.isChatInputCommand()) return;
      const response = await i.reply({ content: 'Queued', withResponse: true });
      const fetched = await i.fetchReply();
      result = { responseId: response.resource?.message?.id, fetchedId: fetched.id, content: fetched.content };
      await i.deleteReply();
      result.deleted = true;
    });
    const handle = discord.sendCommand({ guildId, userId, name: 'queue' });
    expect((await handle.callback()).type).toBe(4);
    await discord.rest.waitForCall((c) => c.method === 'DELETE');
    await expect.poll(() => result.deleted).toBe(true);
    expect(result.responseId).toBe(result.fetchedId);
    expect(result.content).toBe('Queued');
    expect(handle.messages.map((m) => m.source)).toEqual(['interaction-callback']);
    expect(discord.channelMessages(discord.world.textChannel(guildId).id)).toEqual([]);
    discord.assertNoViolations();
  });

  it('answers autocomplete with the choices of callback type 8', async () => {
    onNext(async (i) => {
      if (i.isAutocomplete()) await i.respond([{ name: `${i.options.getFocused()} remix`, value: 'r1' }]);
    });
    const handle = discord.sendAutocomplete({
      guildId,
      userId,
      name: 'play',
      options: { query: 'lof' },
      focused: 'query',
    });
    expect(await handle.choices()).toEqual([{ name: 'lof remix', value: 'r1' }]);
    discord.assertNoViolations();
  });

  it('routes a button press on a posted message: deferUpdate (6), then editReply edits that message', async () => {
    const channel = await client.channels.fetch(discord.world.textChannel(guildId).id);
    if (!channel?.isSendable()) throw new Error('not sendable');
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId('skip').setLabel('Skip').setStyle(ButtonStyle.Primary),
    );
    const posted = await channel.send({ content: 'Now playing: tone', components: [row] });
    const announcement = await discord.waitForChannelMessage(channel.id, (m) => m.content.startsWith('Now playing'));
    expect(announcement.components).toHaveLength(1);

    onNext(async (i) => {
      if (!i.isButton()) return;
      await i.deferUpdate();
      await i.editReply({ content: `Skipped by ${i.user.username}`, components: [] });
    });
    const press = discord.pressButton({ guildId, userId, messageId: posted.id, customId: 'skip' });
    expect((await press.callback()).type).toBe(6);
    const edited = await press.reply((m) => m.content.startsWith('Skipped'));
    expect(edited).toMatchObject({ messageId: posted.id, source: 'original-edit', components: [] });
    expect(discord.channelMessages(channel.id).map((m) => m.content)).toEqual(['Skipped by alice']);
    discord.assertNoViolations();
  });

  it('flags late and double acknowledgements as violations, with Discord error codes', async () => {
    const handle = discord.sendCommand({ guildId, userId, name: 'slow' });
    const url = `${discord.apiUrl}/v10/interactions/${handle.id}/${handle.record.token}/callback`;
    const post = (): Promise<Response> =>
      fetch(url, {
        method: 'POST',
        body: JSON.stringify({ type: 5 }),
        headers: { 'content-type': 'application/json' },
      });
    expect((await post()).status).toBe(204);
    const again = await post();
    expect([again.status, ((await again.json()) as { code: number }).code]).toEqual([400, 40060]);

    const late = discord.sendCommand({ guildId, userId, name: 'slow' });
    late.record.dispatchedAt -= 3_500;
    const lateRes = await fetch(
      `${discord.apiUrl}/v10/interactions/${late.id}/${late.record.token}/callback?with_response=true`,
      {
        method: 'POST',
        body: JSON.stringify({ type: 5 }),
        headers: { 'content-type': 'application/json' },
      },
    );
    expect(lateRes.status).toBe(404);
    expect(discord.rest.violations.map((v) => v.message)).toEqual([
      'interaction acknowledged twice',
      expect.stringMatching(/acknowledged after 35\d\d ms/),
    ]);
  });
});
