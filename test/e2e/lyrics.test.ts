import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessageSnapshot } from '../offline-discord/index.js';
import { buttonsOf } from './commands-support.js';
import { FakeLrclib } from './fake-lrclib.js';
import { startSourcesStack, taggedTone, type SourcesStack } from './sources-support.js';

/**
 * `/lyrics` against a fake LRCLIB on loopback: synced lyrics follow the song in the message (and jump after
 * /seek), plain lyrics are paged, a track without an entry gets a friendly answer.
 */
let stack: SourcesStack;
let lrclib: FakeLrclib;
let g: string;
let alice: string;

/** One line every 2 s, named after its time, so the highlighted line says where the song is. */
const SYNCED = Array.from({ length: 30 }, (_, i) => `[00:${String(i * 2).padStart(2, '0')}.00]Line at ${i * 2} s`).join(
  '\n',
);
const PLAIN = Array.from({ length: 40 }, (_, i) => `Plain verse ${i + 1}`).join('\n');

const highlighted = (m: Pick<MessageSnapshot, 'content'>): number | null => {
  const match = /▶ \*\*Line at (\d+) s\*\*/.exec(m.content ?? '');
  return match ? Number(match[1]) : null;
};

const press = (messageId: string, customId: string) =>
  stack.discord.pressButton({ guildId: g, userId: alice, messageId, customId });

async function serveTagged(name: string, hz: number, title: string, artist: string): Promise<string> {
  const file = join(stack.dir, name);
  await taggedTone(file, { hz, seconds: 60, title, artist });
  return stack.files.serve(`/music/${name}`, readFileSync(file), 'audio/ogg');
}

beforeAll(async () => {
  lrclib = new FakeLrclib();
  await lrclib.listen();
  lrclib.add({
    trackName: 'Evening Walk',
    artistName: 'The Strollers',
    duration: 60,
    syncedLyrics: SYNCED,
    plainLyrics: SYNCED.replace(/\[[^\]]+\]/g, ''),
  });
  lrclib.add({ trackName: 'Long Poem', artistName: 'Verse Band', duration: 60, plainLyrics: PLAIN });
  stack = await startSourcesStack({ env: ({ defaults }) => ({ ...defaults, LYRICS_API_URL: lrclib.url }) });
  g = stack.guildId;
  alice = stack.users.alice;
  stack.join(alice);
});

afterAll(async () => {
  await stack?.close();
  await lrclib?.close();
});

afterEach(async () => {
  await stack.ask(alice, 'stop');
});

describe('/lyrics', () => {
  it('follows the song: highlights the line just passed as it plays, jumps after /seek, stops when dismissed', async () => {
    const url = await serveTagged('evening.ogg', 440, 'Evening Walk', 'The Strollers');
    expect(await stack.ask(alice, 'play', { query: url })).toMatch(/Started \*\*Evening Walk\*\*/);
    const started = performance.now();
    const cmd = stack.command(alice, 'lyrics');
    const first = await cmd.reply(undefined, 20_000);
    expect(first.content).toMatch(/🎤 \*\*Evening Walk\*\* · The Strollers/);
    expect(buttonsOf(first).map((b) => b.label)).toEqual(['✖ Stop following']);

    // Over 10 s of playback the message is edited to later lines, each one whose time has just passed.
    const later = await cmd.reply((m) => (highlighted(m) ?? -1) >= 8, 20_000);
    const played = (later.at - started) / 1000;
    expect(highlighted(later)).toBeLessThanOrEqual(played + 1);
    expect(highlighted(later)).toBeGreaterThanOrEqual(played - 8);
    const edits = cmd.messages.filter((m) => m.source === 'original-edit');
    const gaps = edits.slice(1).map((m, i) => m.at - edits[i]!.at);
    expect(Math.min(...gaps), 'at most one edit every few seconds').toBeGreaterThanOrEqual(2500);

    const seek = stack.command(alice, 'seek', { position: '40' });
    await seek.reply(undefined, 20_000);
    const jumped = await cmd.reply((m) => m.at > seek.dispatchedAt && (highlighted(m) ?? 0) >= 40, 15_000);
    expect(highlighted(jumped)).toBeLessThanOrEqual(48);

    const stop = press(first.messageId, buttonsOf(first)[0]!.custom_id);
    const stopped = await stop.reply((m) => /Stopped following/.test(m.content ?? ''), 10_000);
    expect(buttonsOf(stopped)).toEqual([]);
    const count = stack.discord.messages.snapshots.filter((s) => s.messageId === first.messageId).length;
    await new Promise((resolve) => setTimeout(resolve, 4500));
    expect(stack.discord.messages.snapshots.filter((s) => s.messageId === first.messageId).length).toBe(count);
  });

  it('holds still while paused', async () => {
    const url = await serveTagged('evening2.ogg', 440, 'Evening Walk', 'The Strollers');
    await stack.ask(alice, 'play', { query: url });
    const cmd = stack.command(alice, 'lyrics');
    await cmd.reply((m) => (highlighted(m) ?? -1) >= 4, 20_000);
    await stack.ask(alice, 'pause');
    await new Promise((resolve) => setTimeout(resolve, 3500)); // an edit already in flight may land
    const before = cmd.messages.length;
    await new Promise((resolve) => setTimeout(resolve, 4500));
    expect(cmd.messages.length).toBe(before);
    await stack.ask(alice, 'resume');
    await cmd.reply((_m) => cmd.messages.length > before, 15_000);
  });

  it('pages plain lyrics with buttons', async () => {
    const url = await serveTagged('poem.ogg', 550, 'Long Poem', 'Verse Band');
    await stack.ask(alice, 'play', { query: url });
    const reply = await stack.command(alice, 'lyrics').reply(undefined, 20_000);
    expect(reply.content).toMatch(/Plain verse 1\n[\s\S]*Page 1\/2/);
    expect(buttonsOf(reply).map((b) => [b.label, b.disabled])).toEqual([
      ['◀', true],
      ['▶', false],
    ]);
    const next = press(reply.messageId, buttonsOf(reply)[1]!.custom_id);
    const page2 = await next.reply((m) => /Page 2\/2/.test(m.content ?? ''), 10_000);
    expect(page2.content).toMatch(/Plain verse 40/);
    expect(page2.content).not.toMatch(/Plain verse 1\n/);
  });

  it('answers "no lyrics" in a friendly way, and looks up a query', async () => {
    const url = await serveTagged('unknown.ogg', 660, 'Nobody Knows This', 'Mystery');
    await stack.ask(alice, 'play', { query: url });
    expect(await stack.ask(alice, 'lyrics')).toMatch(/^🔇 No lyrics found for \*\*Nobody Knows This\*\*/);
    expect(await stack.ask(alice, 'lyrics', { query: 'evening strollers' })).toMatch(
      /🎤 \*\*Evening Walk\*\*[\s\S]*Line at 0 s/,
    );
    expect(await stack.ask(alice, 'lyrics', { query: 'no such song anywhere' })).toMatch(/🔇 No lyrics found/);
    stack.discord.rest.assertNoViolations();
  });
});
