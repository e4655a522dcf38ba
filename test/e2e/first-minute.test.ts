import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageSnapshot } from '../offline-discord/index.js';
import { buttonsOf, expectCleanMessages, tone } from './commands-support.js';
import { startStack, type Stack } from './harness.js';

/**
 * A member's first minute, on the offline Discord: refusals are private (the deferral is ephemeral, or a public
 * deferral is replaced by an ephemeral follow-up), a session has one player message that is edited from track to
 * track (and re-posted only once it has scrolled away), and /help lists every registered command as a clickable
 * mention.
 */
let stack: Stack;
let alice: string;
let bob: string;

const EPHEMERAL = 64;

beforeAll(async () => {
  stack = await startStack({ env: { PLAYER_REPOST_AFTER: '6' } });
  ({ alice, bob } = stack.users);
});

afterAll(async () => {
  await stack?.close();
});

/** Every version of bot messages posted to the channel (not interaction replies) since `mark`. */
const channelPosts = (since: number): MessageSnapshot[] =>
  stack.discord.messages.snapshots.filter(
    (s) => s.at >= since && s.interactionId === undefined && s.channelId === stack.textChannelId,
  );

const playerVersions = (since: number, hz: number) =>
  channelPosts(since).filter((s) => s.content.includes(`Now playing: **${hz}\\-`));

describe('refusals are private', () => {
  it('a /play without a voice channel is deferred ephemeral and says so only to the member', async () => {
    const handle = stack.command(bob, 'play', { query: 'anything' });
    const deferral = await handle.deferral();
    expect(deferral.type).toBe(5);
    expect((deferral.body as { data?: { flags?: number } }).data?.flags).toBe(EPHEMERAL);
    const reply = await handle.reply((m) => m.content.length > 0);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/❌ Join a voice channel first/);
  });

  it('an error found after a public deferral replaces it with an ephemeral follow-up', async () => {
    stack.join(alice);
    const url = `${await tone(stack, 200)}`.replace(/\/[^/]*$/, '/missing-file.ogg');
    const handle = stack.command(alice, 'play', { query: url });
    const deferral = await handle.deferral();
    expect(deferral.type).toBe(5);
    expect((deferral.body as { data?: { flags?: number } }).data?.flags ?? 0).toBe(0);
    const reply = await handle.reply((m) => m.source === 'followup', 20_000);
    expect(reply.ephemeral).toBe(true);
    expect(reply.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(reply.content).toMatch(/^❌ /);
    // The public "thinking…" placeholder is gone: nobody else sees the failure.
    const placeholder = stack.discord.messages.snapshots.find(
      (s) => s.interactionId === reply.interactionId && s.source === 'interaction-deferred',
    );
    expect(placeholder && stack.discord.messages.get(placeholder.messageId)).toBeUndefined();
  });

  it('"not in my channel" names the channel, and a successful answer is public', async () => {
    const play = stack.command(alice, 'play', { query: await tone(stack, 610, 60, 'refusal') });
    expect((await play.reply((m) => m.content.length > 0, 20_000)).ephemeral).toBe(false);
    stack.join(bob, stack.lounge);
    const skip = stack.command(bob, 'skip');
    expect(((await skip.deferral()).body as { data?: { flags?: number } }).data?.flags).toBe(EPHEMERAL);
    const refusal = await skip.reply((m) => m.content.length > 0);
    expect(refusal.ephemeral).toBe(true);
    expect(refusal.content).toContain(`<#${stack.music}>`);
    await stack.ask(alice, 'stop');
  });
});

describe('one player message per session', () => {
  it('is edited from track A to track B without a second post; /play says what was queued', async () => {
    const mark = performance.now();
    const a = await tone(stack, 620, 2, 'player-a');
    const b = await tone(stack, 720, 60, 'player-b');
    const first = await stack.ask(alice, 'play', { query: a });
    expect(first).toMatch(/^▶️ Started \*\*620\\-2\*\*/);
    expect(await stack.ask(alice, 'play', { query: b })).toMatch(/^➕ Queued \*\*720\\-60\*\* `1:00` at position #1/);
    const shownA = await stack.discord.waitForChannelMessage(
      stack.textChannelId,
      (m) => m.at >= mark && m.content.includes('Now playing: **620\\-2'),
      15_000,
    );
    const shownB = await stack.discord.waitForChannelMessage(
      stack.textChannelId,
      (m) => m.at >= mark && m.content.includes('Now playing: **720\\-60'),
      15_000,
    );
    expect(shownB.messageId).toBe(shownA.messageId);
    expect(shownB.source).toBe('channel-edit');
    expect(buttonsOf(shownB)).toHaveLength(5);
    expect(buttonsOf(shownB)[1]?.custom_id).toMatch(/^np:skip:\d+:\d+$/);
    expect(buttonsOf(shownB)[1]?.custom_id).not.toBe(buttonsOf(shownA)[1]?.custom_id);
    // The session's message from before (idle since the last /stop) or one new post, and never a second one.
    const created = channelPosts(mark).filter((s) => s.source === 'channel-create');
    expect(created.filter((s) => s.messageId !== shownA.messageId)).toEqual([]);
    expect(playerVersions(mark, 720).every((s) => s.messageId === shownA.messageId)).toBe(true);
  });

  it('when the queue runs out the same message says nothing plays and loses its buttons', async () => {
    const mark = performance.now();
    const idle = await stack.ask(alice, 'stop');
    expect(idle).toMatch(/Stopped/);
    const last = await stack.discord.waitForChannelMessage(
      stack.textChannelId,
      (m) => m.at >= mark && /Nothing is playing/.test(m.content),
    );
    expect(last.source).toBe('channel-edit');
    expect(buttonsOf(last)).toEqual([]);
  });

  it('is re-posted (the old one deleted) once PLAYER_REPOST_AFTER messages have come after it', async () => {
    const mark = performance.now();
    await stack.ask(alice, 'play', { query: await tone(stack, 630, 60, 'scroll-a') });
    await stack.ask(alice, 'play', { query: await tone(stack, 730, 60, 'scroll-b') });
    const old = await stack.discord.waitForChannelMessage(
      stack.textChannelId,
      (m) => m.at >= mark && m.content.includes('Now playing: **630\\-60'),
      15_000,
    );
    for (let i = 0; i < 6; i++) await stack.ask(alice, 'queue'); // six public replies below the player
    const skipped = performance.now();
    expect(await stack.ask(alice, 'skip')).toMatch(/Skipped/);
    const fresh = await stack.discord.waitForChannelMessage(
      stack.textChannelId,
      (m) => m.at >= skipped && m.content.includes('Now playing: **730\\-60'),
      15_000,
    );
    expect(fresh.source).toBe('channel-create');
    expect(fresh.messageId).not.toBe(old.messageId);
    expect(stack.discord.messages.get(old.messageId)).toBeUndefined();
    await stack.ask(alice, 'stop');
  });
});

describe('/help', () => {
  it('lists every registered command as a clickable </name:id> mention, privately', async () => {
    const handle = stack.command(bob, 'help');
    expect(((await handle.deferral()).body as { data?: { flags?: number } }).data?.flags).toBe(EPHEMERAL);
    const reply = await handle.reply((m) => m.embeds.length > 0);
    expect(reply.ephemeral).toBe(true);
    const text = reply.embeds.map((e) => e.description ?? '').join('\n');
    const registered = stack.discord.commands.list();
    expect(registered.length).toBeGreaterThanOrEqual(19);
    for (const command of registered) expect(text).toContain(`</${command.name}:${command.id}>`);
    expect(text).toMatch(/<\/settings dj-role:\d+>/);
  });
});

describe('message hygiene', () => {
  it('every message disables mentions and shows no internals', () => {
    expectCleanMessages(stack);
  });
});
