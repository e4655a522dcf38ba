import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/core/errors.js';
import { freePort } from './harness.js';
import {
  eventually,
  longestPause,
  mostlyOf,
  staircaseFile,
  startSourcesStack,
  type SourcesStack,
} from './sources-support.js';

/**
 * Every way YouTube refuses, as a member and the owner meet it: the fake yt-dlp prints yt-dlp's exact stderr
 * and exit status for each failure (test/fixtures/ytdlp/failures.json); the member reads the cause in plain
 * words, /metrics counts the code, the owner's log has the remedy once (per hour), and an audio URL that
 * starts answering 403 mid-track is re-resolved once and resumes where it stopped.
 */
let stack: SourcesStack;
let alice: string;
let port: number;

/** Video id → fake mode → the catalogue code the member's reply comes from. */
const CASES = [
  ['BotCheck001', 'bot-check', 'YOUTUBE_BOT_CHECK'],
  ['AgeGate0001', 'age-restricted', 'YOUTUBE_SIGN_IN'],
  ['Private0001', 'private', 'YOUTUBE_PRIVATE'],
  ['Removed0001', 'removed', 'YOUTUBE_REMOVED'],
  ['Region00001', 'region-blocked', 'YOUTUBE_REGION_BLOCKED'],
  ['Members0001', 'members-only', 'YOUTUBE_MEMBERS_ONLY'],
  ['Premiere001', 'premiere', 'YOUTUBE_NOT_LIVE_YET'],
  ['NotLive0001', 'live-not-started', 'YOUTUBE_NOT_LIVE_YET'],
  ['Limited0001', 'rate-limited', 'YOUTUBE_RATE_LIMITED'],
  ['Challenge01', 'challenge', 'YOUTUBE_CHALLENGE_FAILED'],
] as const;
const FORBIDDEN_ID = 'Forbidden01';
const STEPS = [300, 450, 600, 750, 900, 1050, 1200, 1350, 1500, 1650];

function fetchText(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res
        .setEncoding('utf8')
        .on('data', (c: string) => (body += c))
        .on('end', () => resolve(body));
    }).on('error', reject);
  });
}

const ownerLines = (code: string) => stack.bot.logs.filter((l) => l.json?.audience === 'owner' && l.json.code === code);

beforeAll(async () => {
  port = await freePort();
  stack = await startSourcesStack({ env: ({ defaults }) => ({ ...defaults, HTTP_PORT: String(port) }) });
  alice = stack.users.alice;
  stack.join(alice);
  stack.ytdlp.addRules(...CASES.map(([id, mode]) => ({ match: id, env: { FAKE_YTDLP_MODE: mode } })));
  // The audio URL: the first download is cut at 35 %, then the signed URL is refused (403) until yt-dlp signs a new one.
  const staircase = readFileSync(await staircaseFile(STEPS));
  const mediaUrl = stack.files.forbiddenAfterCut('/cdn/forbidden.webm', staircase, 'audio/webm', 0.35);
  stack.ytdlp.video(FORBIDDEN_ID, {
    fixture: stack.ytdlp.videoFixture({ id: FORBIDDEN_ID, title: 'Staircase 403', durationSec: STEPS.length }),
    mediaUrl,
  });
});

afterAll(async () => {
  await stack?.close();
});

describe('each YouTube failure', () => {
  it.each(CASES)('%s (%s): the member reads %s, and /metrics counts it', async (id, _mode, code) => {
    const reply = await stack.ask(alice, 'play', { query: `https://www.youtube.com/watch?v=${id}` });
    expect(reply).toBe(`❌ ${ERRORS[code]}`);
    const metrics = await fetchText('/metrics');
    expect(metrics).toMatch(new RegExp(`tunebot_source_failures_total\\{source="youtube",code="${code}"\\} [1-9]`));
    expect(metrics).toMatch(new RegExp(`tunebot_command_errors_total\\{command="play",code="${code}"\\} [1-9]`));
  });

  it('the owner reads the remedy once, however many members meet the failure; none for failures only the uploader can change', async () => {
    expect(await stack.ask(alice, 'play', { query: 'https://youtu.be/BotCheck001' })).toBe(
      `❌ ${ERRORS.YOUTUBE_BOT_CHECK}`,
    );
    expect(ownerLines('YOUTUBE_BOT_CHECK')).toHaveLength(1);
    expect(String(ownerLines('YOUTUBE_BOT_CHECK')[0]?.json?.msg)).toMatch(/YTDLP_POT_PROVIDER.*YTDLP_COOKIES/);
    expect(ownerLines('YOUTUBE_CHALLENGE_FAILED')).toHaveLength(1);
    expect(String(ownerLines('YOUTUBE_CHALLENGE_FAILED')[0]?.json?.msg)).toMatch(/yt-dlp\[default\]/);
    expect(ownerLines('YOUTUBE_SIGN_IN')).toHaveLength(1); // cookies of an adult account fix it
    expect(ownerLines('YOUTUBE_PRIVATE')).toHaveLength(0);
    expect(ownerLines('YOUTUBE_REMOVED')).toHaveLength(0);
    // No member ever reads yt-dlp's words.
    const texts = stack.discord
      .channelMessages(stack.textChannelId)
      .map((m) => m.content)
      .join('\n');
    expect(texts).not.toMatch(/cookies-from-browser|ERROR:|yt-dlp\/wiki/);
  });
});

describe('an audio URL that starts answering 403 mid-track', () => {
  it('is re-resolved once (a second yt-dlp run) and playback resumes about where it stopped', async () => {
    const cmd = stack.command(alice, 'play', { query: `https://www.youtube.com/watch?v=${FORBIDDEN_ID}` });
    expect((await cmd.reply(undefined, 20_000)).content).toMatch(/Started \*\*Staircase 403\*\*/);
    await eventually(
      () => stack.files.hits('/cdn/forbidden.webm') >= 3,
      20_000,
      'the refused and the re-signed download',
    );
    // The gap holds a whole yt-dlp run, so "ended" is judged on a longer silence than a plain reopen needs.
    const silentFrom = await stack.discord.voice.waitForSilence(stack.guildId, 6000, {
      since: cmd.dispatchedAt,
      timeoutMs: 40_000,
    });
    const audible = stack.discord.voice
      .capture(stack.guildId, cmd.dispatchedAt)
      .audible()
      .filter((p) => p.arrivalMs <= silentFrom);
    const pause = longestPause(audible);
    expect(pause).not.toBeNull();
    const stepAt = (from: number, to: number) => mostlyOf(audible.slice(Math.max(0, from), Math.max(0, to)), STEPS);
    const before = STEPS.indexOf(stepAt(pause!.before - 9, pause!.before + 1)!);
    const after = STEPS.indexOf(stepAt(pause!.after, pause!.after + 10)!);
    expect(before).toBeGreaterThanOrEqual(2);
    expect(Math.abs(after - before)).toBeLessThanOrEqual(1); // resumed, not restarted from 0
    expect(stepAt(audible.length - 10, audible.length)).toBe(STEPS.at(-1));
    expect(stack.ytdlp.spawns(FORBIDDEN_ID)).toBe(2); // resolve + exactly one re-resolve
    expect(stack.files.hits('/cdn/forbidden.webm')).toBe(3); // cut, refused, complete
    const warnings = stack.discord
      .channelMessages(stack.textChannelId)
      .filter((m) => /Couldn't play \*\*Staircase/.test(m.content));
    expect(warnings).toEqual([]);
    await stack.ask(alice, 'stop');
  });
});
