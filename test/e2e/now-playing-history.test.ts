import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord-api-types/v10';
import { DM_CLOSED } from '../offline-discord/index.js';
import { buttonsOf } from './commands-support.js';
import { startSourcesStack, type SourcesStack } from './sources-support.js';

/**
 * The now-playing card (an embed: title linked to the source page, artist, artwork, requester, progress,
 * loop/filter/autoplay state, next up; buttons as before) and /history with its requeue buttons. Every body
 * is checked against Discord's OpenAPI spec by the offline Discord.
 */
let stack: SourcesStack;
let g: string;
let alice: string;

const VIDEO = 'https://www.youtube.com/watch?v=dQw4w9WgXcQ';

beforeAll(async () => {
  stack = await startSourcesStack();
  g = stack.guildId;
  alice = stack.users.alice;
  stack.join(alice);
});

afterAll(async () => {
  await stack?.close();
});

const embedOf = (m: { embeds: APIEmbed[] }): APIEmbed => {
  expect(m.embeds).toHaveLength(1);
  return m.embeds[0]!;
};

describe('now playing as a card', () => {
  it('/nowplaying and the announcement carry the card, with the controls as before', async () => {
    const second = await stack.media.tone({ hz: 660, seconds: 30, format: 'ogg' });
    const play = stack.command(alice, 'play', { query: VIDEO });
    await play.reply((m) => /Started/.test(m.content ?? ''), 20_000);
    await stack.ask(alice, 'play', { query: second });
    const reply = await stack.command(alice, 'nowplaying').reply(undefined, 20_000);
    const card = embedOf(reply);
    expect(card.author?.name).toBe('🎶 Now playing');
    expect(card.title).toMatch(/Never Gonna Give You Up/);
    expect(card.url).toBe(VIDEO);
    expect(card.thumbnail?.url).toMatch(/^https:\/\/i\.ytimg\.com\/vi(_webp)?\/dQw4w9WgXcQ\//);
    expect(card.description).toMatch(/by Rick Astley\n.*🔘.*`\d:\d\d \/ 3:32`/);
    const fields = Object.fromEntries((card.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields['Requested by']).toBe('Alice');
    expect(fields.State).toBe('Loop: off · Volume: 100% · Autoplay: off · Filter: off');
    expect(fields['Next up']).toMatch(/660\\-30/);
    expect(buttonsOf(reply).map((b) => b.custom_id.split(':')[1])).toEqual([
      'pause',
      'skip',
      'stop',
      'loop',
      'shuffle',
    ]);
    const announced = await stack.discord.waitForChannelMessage(
      stack.textChannelId,
      (m) => (m.embeds ?? []).length > 0 && m.source === 'channel-create',
      15_000,
    );
    expect(embedOf(announced).title).toMatch(/Never Gonna Give You Up/);
    await stack.ask(alice, 'autoplay', { enabled: true });
    await stack.ask(alice, 'loop', { mode: 'queue' });
    const after = await stack.command(alice, 'nowplaying').reply(undefined, 20_000);
    expect(embedOf(after).fields?.find((f) => f.name === 'State')?.value).toBe(
      'Loop: queue · Volume: 100% · Autoplay: on · Filter: off',
    );
    await stack.ask(alice, 'loop', { mode: 'off' });
    await stack.ask(alice, 'autoplay', { enabled: false });
  });
});

describe('/grab', () => {
  it('sends the current track to the member in a DM, and says so kindly when DMs are closed', async () => {
    expect(await stack.ask(alice, 'grab')).toMatch(/📬 Sent you \*\*Rick Astley.*\*\* in a DM/);
    const guildChannels = new Set(
      [...stack.discord.world.guilds.values()].flatMap((guild) => [...guild.channels.keys()]),
    );
    const dm = stack.discord.messages.snapshots.find((m) => !guildChannels.has(m.channelId) && m.embeds.length > 0);
    expect(dm, 'a message outside every guild channel').toBeDefined();
    const card = dm!.embeds[0]!;
    expect(card.title).toMatch(/Never Gonna Give You Up/);
    expect(card.url).toBe(VIDEO);
    expect(card.description).toMatch(/Heard in \*\*.+\*\* at `\d:\d\d`, requested by Alice/);
    expect(dm!.allowedMentions).toMatchObject({ parse: [] });
    DM_CLOSED.add(alice);
    try {
      expect(await stack.ask(alice, 'grab')).toMatch(/❌ I couldn't send you a DM: your direct messages are closed/);
    } finally {
      DM_CLOSED.delete(alice);
    }
  });
});

describe('/history', () => {
  it('lists what was played, most recent first, and ↩ queues one again', async () => {
    await stack.ask(alice, 'skip'); // the video goes to the history; the tone plays
    const reply = await stack.command(alice, 'history').reply(undefined, 20_000);
    expect(reply.content).toMatch(/🕘 \*\*Recently played\*\*[\s\S]*`1\.` Rick Astley/);
    const buttons = buttonsOf(reply);
    expect(buttons.map((b) => b.label)).toEqual(['↩ 1']);
    const press = stack.discord.pressButton({
      guildId: g,
      userId: alice,
      messageId: reply.messageId,
      customId: buttons[0]!.custom_id,
    });
    const notice = await press.reply((m) => /Queued/.test(m.content ?? ''), 15_000);
    expect(notice.content).toMatch(/➕ Queued \*\*Rick Astley.*\*\* again \(position #1\)/);
    expect(notice.ephemeral).toBe(true);
    expect(await stack.ask(alice, 'queue')).toMatch(/`1\.` Rick Astley/);
    stack.discord.rest.assertNoViolations();
  });

  it('says so when nothing was played yet', async () => {
    await stack.ask(alice, 'stop');
    expect(await stack.ask(alice, 'history')).toMatch(/📭 Nothing has been played here yet/);
  });
});
