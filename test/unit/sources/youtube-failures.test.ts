import { describe, expect, it } from 'vitest';
import { ERRORS, isUserError } from '../../../src/core/errors.js';
import type { Logger } from '../../../src/ports/logger.js';
import { OwnerAdvisor } from '../../../src/sources/ytdlp/youtube-advisor.js';
import { YOUTUBE_FAILURES, classifyYouTubeStderr, refusesServer } from '../../../src/sources/ytdlp/youtube-failures.js';
import { YouTubeHealth } from '../../../src/sources/ytdlp/youtube-health.js';
import { YtDlpClient } from '../../../src/sources/ytdlp/ytdlp-client.js';
import { FakeClock } from '../../support/fake-clock.js';
import { FAKE_YTDLP, fakeEnv, loadFixture } from './fake-ytdlp-helpers.js';

/** yt-dlp's exact stderr per failure (test/fixtures/ytdlp/failures.json, with where each string comes from). */
const FAILURES = loadFixture('failures.json')['modes'] as Record<string, { exitCode: number; stderr: string }>;
const real = (mode: string, id = 'dQw4w9WgXcQ') => (FAILURES[mode] as { stderr: string }).stderr.replaceAll('{id}', id);

/** Fake mode → the code a member's message comes from. */
const EXPECTED: Record<string, string> = {
  'bot-check': 'YOUTUBE_BOT_CHECK',
  'ip-blocked': 'YOUTUBE_BOT_CHECK',
  'age-restricted': 'YOUTUBE_SIGN_IN',
  private: 'YOUTUBE_PRIVATE',
  removed: 'YOUTUBE_REMOVED',
  terminated: 'YOUTUBE_REMOVED',
  'region-blocked': 'YOUTUBE_REGION_BLOCKED',
  'members-only': 'YOUTUBE_MEMBERS_ONLY',
  'live-not-started': 'YOUTUBE_NOT_LIVE_YET',
  premiere: 'YOUTUBE_NOT_LIVE_YET',
  'rate-limited': 'YOUTUBE_RATE_LIMITED',
  'session-rate-limited': 'YOUTUBE_RATE_LIMITED',
  challenge: 'YOUTUBE_CHALLENGE_FAILED',
  'no-runtime': 'YOUTUBE_CHALLENGE_FAILED',
  'no-audio': 'NOT_AUDIO',
};

const silent: Logger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
  fatal() {},
  child: () => silent,
} as unknown as Logger;

function client(vars: Record<string, string>, observed: string[] = []): YtDlpClient {
  return new YtDlpClient({
    binary: FAKE_YTDLP,
    clock: new FakeClock(),
    env: fakeEnv(vars),
    observer: { failed: (code, target) => void observed.push(`${code} ${target}`), resolved: () => undefined },
  });
}

describe("classifyYouTubeStderr on yt-dlp's real messages", () => {
  it('covers every failure fixture but the non-YouTube ones', () => {
    expect(Object.keys(FAILURES).sort()).toEqual([...Object.keys(EXPECTED), 'unsupported', 'bad-option'].sort());
  });

  it.each(Object.entries(EXPECTED).filter(([, code]) => code.startsWith('YOUTUBE_')))('%s → %s', (mode, code) => {
    expect(classifyYouTubeStderr(real(mode))).toBe(code);
  });

  it('a format error without a challenge warning is a video without audio, not our install', () => {
    expect(classifyYouTubeStderr(real('no-audio'))).toBeNull();
    expect(classifyYouTubeStderr(real('challenge'))).toBe('YOUTUBE_CHALLENGE_FAILED');
  });

  it('an unsupported YouTube link has its own code; another site stays generic', () => {
    expect(classifyYouTubeStderr('ERROR: [generic] Unsupported URL: https://www.youtube.com/feed/you')).toBe(
      'YOUTUBE_UNSUPPORTED_URL',
    );
    expect(classifyYouTubeStderr('ERROR: [generic] Unsupported URL: https://example.com/page')).toBeNull();
  });

  it('SoundCloud errors (the shared client) are never read as YouTube refusals', () => {
    expect(classifyYouTubeStderr('ERROR: [soundcloud] 123: Video unavailable. This track was removed')).toBeNull();
    expect(
      classifyYouTubeStderr(
        'ERROR: [soundcloud] 123: Unable to download JSON metadata: HTTP Error 429: Too Many Requests',
      ),
    ).toBeNull();
  });

  it('every code has catalogue text that names the cause and never the raw message', () => {
    for (const code of Object.keys(YOUTUBE_FAILURES)) {
      const text = (ERRORS as Record<string, string>)[code];
      expect(text, code).toBeTruthy();
      expect(text).not.toMatch(/yt-dlp\/wiki|--cookies|ERROR:/);
    }
    expect(ERRORS.YOUTUBE_BOT_CHECK).toMatch(/refusing this server/);
  });

  it('server-wide refusals are the ones the fallback and the breaker act on', () => {
    const server = Object.keys(YOUTUBE_FAILURES).filter(refusesServer).sort();
    expect(server).toEqual([
      'YOUTUBE_BOT_CHECK',
      'YOUTUBE_CHALLENGE_FAILED',
      'YOUTUBE_MEDIA_FORBIDDEN',
      'YOUTUBE_RATE_LIMITED',
    ]);
  });
});

describe('the client against the fake yt-dlp in each failure mode', () => {
  it.each(Object.entries(EXPECTED))(
    'FAKE_YTDLP_MODE=%s → UserError %s, reported once with its target',
    async (mode, code) => {
      const observed: string[] = [];
      const url = 'https://www.youtube.com/watch?v=dQw4w9WgXcQ';
      const error = await client({ FAKE_YTDLP_MODE: mode }, observed)
        .video(url, AbortSignal.timeout(10_000))
        .catch((e: unknown) => e);
      expect(isUserError(error) && error.code).toBe(code);
      expect((error as Error).message).not.toMatch(/ERROR:|cookies-from-browser/);
      expect(observed).toEqual([`${code} ${url}`]);
    },
  );

  it('a broken install (no ejs) fails YouTube videos as a challenge failure, while searches still answer', async () => {
    const c = client({ FAKE_YTDLP_INSTALL: 'no-ejs' });
    const error = await c.video('https://youtu.be/dQw4w9WgXcQ', AbortSignal.timeout(10_000)).catch((e: unknown) => e);
    expect(isUserError(error) && error.code).toBe('YOUTUBE_CHALLENGE_FAILED');
    expect((await c.search('never gonna', AbortSignal.timeout(10_000), 2)).length).toBe(2);
  });

  it('scsearch answers from SoundCloud', async () => {
    const results = await client({}).search('never gonna', AbortSignal.timeout(10_000), 2, 'scsearch');
    expect(results.map((t) => t.url)).toEqual([
      'https://soundcloud.com/rick-astley-official/never-gonna-give-you-up-4',
      'https://soundcloud.com/forss/flickermood',
    ]);
  });
});

describe('OwnerAdvisor', () => {
  it('logs the remedy once per code per hour, and nothing for failures the owner cannot fix', async () => {
    const clock = new FakeClock();
    const lines: { obj: Record<string, unknown>; msg: string }[] = [];
    const logger = {
      ...silent,
      warn: (obj: Record<string, unknown>, msg: string) => void lines.push({ obj, msg }),
    } as unknown as Logger;
    const advisor = new OwnerAdvisor({ clock, logger });
    expect(advisor.advise('YOUTUBE_BOT_CHECK')).toBe(true);
    expect(advisor.advise('YOUTUBE_BOT_CHECK')).toBe(false);
    expect(advisor.advise('YOUTUBE_CHALLENGE_FAILED')).toBe(true);
    expect(advisor.advise('YOUTUBE_PRIVATE')).toBe(false);
    await clock.advance(59 * 60_000);
    expect(advisor.advise('YOUTUBE_BOT_CHECK')).toBe(false);
    await clock.advance(61_000);
    expect(advisor.advise('YOUTUBE_BOT_CHECK')).toBe(true);
    expect(lines.map((l) => l.obj['code'])).toEqual([
      'YOUTUBE_BOT_CHECK',
      'YOUTUBE_CHALLENGE_FAILED',
      'YOUTUBE_BOT_CHECK',
    ]);
    expect(lines[0]?.msg).toMatch(/YTDLP_POT_PROVIDER.*YTDLP_COOKIES/);
    expect(lines[1]?.msg).toMatch(/yt-dlp\[default\]/);
  });
});

describe('YouTubeHealth', () => {
  it('refuses after a server-wide refusal, not after a video-level one; a success clears it; traffic refusals expire', async () => {
    const clock = new FakeClock();
    const health = new YouTubeHealth({ clock, trafficRefusalMs: 60_000 });
    health.failed('YOUTUBE_PRIVATE');
    expect(health.refusal()).toBeNull();
    health.failed('YOUTUBE_BOT_CHECK');
    expect(health.refusal()).toBe('YOUTUBE_BOT_CHECK');
    await clock.advance(61_000);
    expect(health.refusal()).toBeNull(); // try YouTube again
    health.failed('YOUTUBE_BOT_CHECK');
    health.succeeded();
    expect(health.state).toMatchObject({ status: 'up', via: 'traffic' });
  });

  it('a failed canary and an open breaker hold until they change', async () => {
    const clock = new FakeClock();
    const health = new YouTubeHealth({ clock, trafficRefusalMs: 1 });
    health.canary({ ok: false, code: 'YOUTUBE_CHALLENGE_FAILED' });
    await clock.advance(3_600_000);
    expect(health.refusal()).toBe('YOUTUBE_CHALLENGE_FAILED');
    health.breaker(true);
    health.canary({ ok: true });
    expect(health.refusal()).toBe('BREAKER_OPEN');
    health.breaker(false);
    expect(health.state.status).toBe('unknown');
    health.canary({ ok: true });
    expect(health.state).toMatchObject({ status: 'up', via: 'canary' });
  });
});
