import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toneInputArgs } from '../offline-discord/index.js';
import { startSourcesStack, type SourcesStack } from './sources-support.js';

/**
 * Real titles for direct files and attachments: what the file's own tags say (ID3v2, Vorbis/Opus comments,
 * FLAC, MP4), shown in the reply and in /nowplaying; a hostile tag renders as plain text. Files are written by
 * ffmpeg with `-metadata title=… artist=…` under neutral names, so only the tags can tell them apart.
 */
const run = promisify(execFile);
let stack: SourcesStack;
let g: string;
let alice: string;

const FORMATS = {
  mp3: { args: ['-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3'], type: 'audio/mpeg' },
  ogg: { args: ['-c:a', 'libopus', '-b:a', '96k', '-f', 'ogg'], type: 'audio/ogg' },
  flac: { args: ['-c:a', 'flac', '-f', 'flac'], type: 'audio/flac' },
  // Index first, as files meant for the web are written ("faststart").
  m4a: { args: ['-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', '-f', 'mp4'], type: 'audio/mp4' },
} as const;
type Format = keyof typeof FORMATS;

async function taggedFile(format: Format, hz: number, title: string, artist: string): Promise<Buffer> {
  const file = join(stack.dir, `tagged-${hz}.${format}`);
  await run('ffmpeg', [
    ...toneInputArgs(hz, 40),
    '-metadata',
    `title=${title}`,
    '-metadata',
    `artist=${artist}`,
    ...FORMATS[format].args,
    file,
  ]);
  return readFileSync(file);
}

beforeAll(async () => {
  stack = await startSourcesStack();
  g = stack.guildId;
  alice = stack.users.alice;
  stack.join(alice);
});

afterAll(async () => {
  await stack?.close();
});

afterEach(async () => {
  await stack.ask(alice, 'stop');
});

describe('tag titles over HTTP', () => {
  it.each<[Format, number, string, string]>([
    ['mp3', 440, 'Evening Walk', 'The Strollers'],
    ['ogg', 550, 'Morning Run', 'Opus Ensemble'],
    ['flac', 660, 'Lossless Dawn', 'FLAC Quartet'],
    ['m4a', 770, 'Apple Orchard', 'AAC Trio'],
  ])('a tagged %s shows its tag title in the reply and in /nowplaying', async (format, hz, title, artist) => {
    const url = stack.files.serve(
      `/music/track-${hz}.${format}`,
      await taggedFile(format, hz, title, artist),
      FORMATS[format].type,
    );
    const cmd = stack.command(alice, 'play', { query: url });
    expect((await cmd.reply(undefined, 20_000)).content).toMatch(
      new RegExp(`Started \\*\\*${title}\\*\\* \`0:4[01]\``),
    );
    const np = await stack.ask(alice, 'nowplaying');
    expect(np).toContain(title);
    expect(np).not.toContain(`track-${hz}`);
    await stack.discord.voice.waitForFrequency(g, hz, { toleranceHz: 6, since: cmd.dispatchedAt, timeoutMs: 15_000 });
  });

  it('an attachment uses its tag title, not its file name', async () => {
    const bytes = await taggedFile('mp3', 880, 'Evening Walk (Attached)', 'Someone');
    const url = stack.files.serve('/attachments/1/2/evening-walk.mp3', bytes, 'audio/mpeg');
    const reply = await stack.ask(alice, 'play', undefined, {
      attachments: [{ url, filename: 'evening-walk.mp3', contentType: 'audio/mpeg', size: bytes.length }],
    });
    expect(reply).toMatch(/Started \*\*Evening Walk \\\(Attached\\\)\*\*/);
  });

  it('a hostile tag renders harmlessly: no ping, no timestamp, no markup', async () => {
    const url = stack.files.serve(
      '/music/hostile.ogg',
      await taggedFile('ogg', 990, '@everyone <t:0:R> **loud** <@123>', '@here'),
      'audio/ogg',
    );
    const reply = await stack.ask(alice, 'play', { query: url });
    const np = await stack.ask(alice, 'nowplaying');
    for (const text of [reply, np]) {
      expect(text).toContain('@\u200Deveryone');
      expect(text).not.toMatch(/@everyone|<t:|(?<!\\)\*\*loud|<@123>/);
      expect(text).toMatch(/<[\u200B\u200D]t:0:R/); // a zero-width character keeps it from rendering
    }
    const written = stack.discord.messages.snapshots.filter((s) => s.source !== 'interaction-deferred');
    for (const message of written) expect(message.allowedMentions).toMatchObject({ parse: [] });
    stack.discord.rest.assertNoViolations();
  });
});
