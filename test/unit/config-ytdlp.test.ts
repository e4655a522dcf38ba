import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ConfigError, parseConfig } from '../../src/config.js';
import { DEFAULT_CANARY_URL, readYtDlpArgs, splitShellWords } from '../../src/config-ytdlp.js';
import type { Logger } from '../../src/ports/logger.js';
import { videoArgs } from '../../src/sources/ytdlp/ytdlp-args.js';
import { ownerYtDlpOptions } from '../../src/sources/ytdlp/ytdlp-owner.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB';
const problemsOf = (env: Record<string, string>): string[] => {
  try {
    parseConfig({ DISCORD_TOKEN: TOKEN, ...env });
    return [];
  } catch (error) {
    return (error as ConfigError).problems as string[];
  }
};
const dir = () => mkdtempSync(join(tmpdir(), 'ytdlp-owner-'));
const COOKIES =
  '# Netscape HTTP Cookie File\n.youtube.com\tTRUE\t/\tTRUE\t1800000000\t__Secure-3PSID\tsecret-session-value\n';

describe('YTDLP_ARGS', () => {
  it('splits like a shell: quotes group, backslashes escape', () => {
    expect(
      splitShellWords(`--extractor-args "youtube:player_client=default,-tv" --proxy='socks5://a b' x\\ y`),
    ).toEqual(['--extractor-args', 'youtube:player_client=default,-tv', '--proxy=socks5://a b', 'x y']);
    expect(splitShellWords('--a "open')).toEqual({ error: 'an unclosed " quote' });
  });

  it.each([
    ['--', /may not contain --/],
    ['--force-ipv4 -- https://evil.example/', /may not contain --/],
    ['https://www.youtube.com/watch?v=x', /must start with an option/],
    ['--batch-file=/etc/urls', /may not contain --batch-file/],
    ['--cookies /home/me/cookies.txt', /use YTDLP_COOKIES instead/],
    ['--force-ipv4 "unclosed', /unclosed/],
  ])('refuses %j', (raw, message) => {
    const problems: string[] = [];
    expect(readYtDlpArgs(raw, problems)).toEqual([]);
    expect(problems.join('\n')).toMatch(message);
  });

  it('whatever an accepted YTDLP_ARGS holds, user text stays the last word, right after the only --', () => {
    for (const raw of [
      '--force-ipv4',
      '--proxy',
      '--replace-in-metadata title a',
      '--extractor-args "youtube:player_client=default"',
    ]) {
      const extraArgs = readYtDlpArgs(raw, []);
      const args = videoArgs('--exec=rm -rf ~', { extraArgs });
      expect(args.filter((a) => a === '--')).toHaveLength(1);
      expect(args.indexOf('--')).toBe(args.length - 2);
      expect(args.slice(0, extraArgs.length)).toEqual(extraArgs); // before ours: a dangling option eats our flag, never --
      expect(args.length - extraArgs.length).toBeGreaterThan(3 + 2); // more of ours than any option's values
    }
  });
});

describe('YTDLP_COOKIES, YTDLP_POT_PROVIDER and the canary at start-up', () => {
  it('accepts a Netscape cookies file and a provider URL; defaults the canary and leaves auto-update off', () => {
    const file = join(dir(), 'cookies.txt');
    writeFileSync(file, COOKIES);
    const config = parseConfig({
      DISCORD_TOKEN: TOKEN,
      YTDLP_COOKIES: file,
      YTDLP_POT_PROVIDER: 'http://bgutil-provider:4416/',
    });
    expect(config.ytdlp).toMatchObject({
      cookies: file,
      potProvider: 'http://bgutil-provider:4416',
      autoUpdate: 'off',
      canaryUrl: DEFAULT_CANARY_URL,
      canaryIntervalMs: 3_600_000,
    });
    expect(parseConfig({ DISCORD_TOKEN: TOKEN, YTDLP_CANARY_URL: 'off' }).ytdlp.canaryUrl).toBeUndefined();
  });

  it('lists every problem at once, with what to do', () => {
    const json = join(dir(), 'cookies.json');
    writeFileSync(json, '[{"domain": ".youtube.com"}]');
    const problems = problemsOf({
      YTDLP_COOKIES: json,
      YTDLP_POT_PROVIDER: 'bgutil:4416',
      YTDLP_AUTO_UPDATE: 'always',
      YTDLP_ARGS: '--',
    });
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/not a Netscape cookies\.txt.*JSON exports do not work/);
    expect(problems.join('\n')).toMatch(/YTDLP_POT_PROVIDER must be an http\(s\) URL/);
    expect(problems.join('\n')).toMatch(/YTDLP_AUTO_UPDATE must be off, daily or startup/);
    expect(problemsOf({ YTDLP_COOKIES: '/nonexistent/cookies.txt' }).join()).toMatch(/is not a readable file/);
  });
});

describe('ownerYtDlpOptions', () => {
  it('gives yt-dlp a private 0600 copy, never touches the owner file, warns once about a shared file and never logs the cookies', async () => {
    const home = dir();
    const owner = join(home, 'cookies.txt');
    writeFileSync(owner, COOKIES);
    chmodSync(owner, 0o644);
    const before = statSync(owner);
    const lines: string[] = [];
    const log = (level: string) => (obj: unknown, msg?: string) =>
      void lines.push(`${level} ${JSON.stringify(obj)} ${msg ?? ''}`);
    const logger = {
      trace: log('trace'),
      debug: log('debug'),
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
    } as unknown as Logger;
    const data = join(home, 'data');
    const options = await ownerYtDlpOptions(
      { cookies: owner, potProvider: 'http://127.0.0.1:4416', args: ['--force-ipv4'] },
      data,
      logger,
    );
    const copy = join(data, 'yt-dlp', 'cookies.txt');
    expect(options.extraArgs).toEqual([
      '--cookies',
      copy,
      '--extractor-args',
      'youtubepot-bgutilhttp:base_url=http://127.0.0.1:4416',
      '--force-ipv4',
    ]);
    expect(readFileSync(copy, 'utf8')).toBe(COOKIES);
    expect(statSync(copy).mode & 0o777).toBe(0o600);
    writeFileSync(copy, '# Netscape HTTP Cookie File\n# This file is generated by yt-dlp.  Do not edit.\n\n'); // yt-dlp rewrote its jar
    await options.beforeRun?.();
    expect(readFileSync(copy, 'utf8')).not.toBe(COOKIES); // unchanged owner file: the copy is left to yt-dlp
    writeFileSync(owner, `${COOKIES}.youtube.com\tTRUE\t/\tTRUE\t1800000000\tSAPISID\tnew\n`);
    await options.beforeRun?.();
    expect(readFileSync(copy, 'utf8')).toContain('SAPISID'); // the owner replaced it: copied again
    expect(statSync(owner).mode & 0o777).toBe(0o644);
    expect(statSync(owner).ino).toBe(before.ino);
    expect(lines.filter((l) => l.startsWith('warn') && /readable by other users \(mode 644\)/.test(l))).toHaveLength(1);
    expect(lines.join('\n')).not.toMatch(/secret-session-value|__Secure-3PSID/);
  });
});
