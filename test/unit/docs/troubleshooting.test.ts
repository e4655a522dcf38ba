import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../../src/core/errors.js';
import { nodeVersionProblem } from '../../../src/node-version.js';
import { firstStartHints } from '../../../src/discord/invite.js';

/**
 * docs/troubleshooting.md is where the doctor's findings and the bot's log lines send an owner: every anchor they
 * name must exist, and every symptom it quotes from the bot must be the text the bot really shows (the error
 * catalogue, the log lines, the Node gate), so an owner can search the page for what they see.
 */
const ROOT = join(import.meta.dirname, '..', '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const page = read('docs/troubleshooting.md');

/** GitHub's heading anchors: lower case, punctuation dropped (letters, digits, `_`, `-` and spaces kept), spaces → `-`. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, '')
    .replace(/ /g, '-');
const anchors = new Set([...page.matchAll(/^#{2,3} (.+)$/gm)].map((m) => slug(m[1] ?? '')));

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|md)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name).slice(ROOT.length + 1));
}

describe('docs/troubleshooting.md', () => {
  it('has every section that src/, README and the docs link to', () => {
    const linked = new Map<string, string>();
    for (const file of [...filesUnder('src'), ...filesUnder('docs'), 'README.md']) {
      for (const m of read(file).matchAll(/troubleshooting\.md#([\w-]+)/g)) linked.set(m[1] ?? '', file);
      if (file === 'docs/troubleshooting.md')
        for (const m of read(file).matchAll(/\]\(#([\w-]+)\)/g)) linked.set(m[1] ?? '', file);
    }
    expect(linked.size).toBeGreaterThan(8);
    for (const [anchor, file] of linked) expect(anchors, `${file} links #${anchor}`).toContain(anchor);
  });

  it('covers every entry the first-hour issue asked for', () => {
    for (const anchor of [
      'node-version-trap',
      'data-directory-not-writable-systemd',
      'slash-commands-do-not-show-up',
      'youtube-stops-playing-or-asks-to-sign-in',
      'javascript-runtime-or-yt_dlp_ejs-missing',
      'voice-refused-close-4017-dave-required',
      'voice-never-connects-blocked-udp',
      'opus-or-sqlite-fail-to-build-on-arm',
      'silent-in-a-stage-channel',
    ])
      expect(anchors).toContain(anchor);
    for (const section of page.split(/^## /m).slice(1))
      expect(section, section.split('\n')[0]).toMatch(/\*\*Symptom\.\*\*[\s\S]*\*\*Cause\.\*\*[\s\S]*\*\*Fix\.\*\*/);
  });

  it('quotes what members read word for word from the error catalogue', () => {
    for (const code of [
      'YOUTUBE_BOT_CHECK',
      'YOUTUBE_RATE_LIMITED',
      'YOUTUBE_CHALLENGE_FAILED',
      'YTDLP_MISSING',
      'VOICE_E2EE_REQUIRED',
      'VOICE_CONNECT_FAILED',
      'FFMPEG_MISSING',
    ] as const)
      expect(page, code).toContain(ERRORS[code]);
    expect(page).toContain(ERRORS.VOICE_E2EE_UNAVAILABLE.split('. ')[0] ?? '-');
  });

  it('quotes the log lines, the Node gate and the first-start hints as the bot writes them', () => {
    const sources = filesUnder('src')
      .filter((f) => f.endsWith('.ts'))
      .map(read)
      .join('\n');
    for (const line of [
      'voice connection did not become ready',
      'voice server refused the connection: DAVE end-to-end encryption is required (close 4017); not rejoining',
      'voice disabled: @discordjs/voice could not load @snazzah/davey (DAVE end-to-end encryption, required by Discord); run `npm run doctor`',
      'yt-dlp not found: YouTube, SoundCloud, Spotify and Deezer links will not play',
      'ffmpeg not found (set FFMPEG_PATH or install ffmpeg): only Opus sources will play',
      'could not register slash commands',
      'has no libopus encoder; only Ogg/WebM Opus can play',
      'finds no JavaScript runtime',
      "so it cannot solve YouTube's challenges",
      'has no yt_dlp_ejs (its challenge solver): plain "pip install yt-dlp" leaves it out',
      'YouTube changes break old versions',
    ]) {
      expect(sources, line).toContain(line);
      expect(page, line).toContain(line);
    }
    expect(page).toContain(nodeVersionProblem('18.19.0', '/usr/bin/node'));
    const [, global] = firstStartHints('1', 'global');
    expect(page).toContain((global ?? '-').split(' (docs/')[0]);
    expect(page).toContain(firstStartHints('1', 'guild', '…')[1]);
  });
});
