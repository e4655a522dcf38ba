/**
 * Every way YouTube refuses a request, recognised from yt-dlp's own messages (the exact strings are kept in
 * test/fixtures/ytdlp/failures.json, with the yt-dlp commit they come from), each with its catalogue code and,
 * for the failures the bot's owner can fix, the remedy the owner's log names.
 *
 * Invariants: pure; the rules are ordered (a bot check must not read as "sign in to see an age-restricted
 * video"; a challenge failure must not read as a video without audio); stderr is only ever matched, never shown.
 */
import type { ErrorCode } from '../../core/errors.js';

export type YouTubeFailureCode = Extract<ErrorCode, `YOUTUBE_${string}`>;

export interface YouTubeFailureInfo {
  /** One line for the owner: what it means. */
  readonly meaning: string;
  /** What the owner can do about it (absent: nothing to fix on the bot's side, the member was told why). */
  readonly remedy?: string;
  /** YouTube is refusing this server as a whole (not this one video): searches fall back to SoundCloud. */
  readonly refusesServer: boolean;
}

const COOKIES = 'set YTDLP_COOKIES to a Netscape cookies.txt exported from a browser signed in to YouTube';
const POT = 'run a PO-token provider (bgutil-ytdlp-pot-provider) and set YTDLP_POT_PROVIDER to its URL';
const INSTALL =
  'install yt-dlp with its challenge solver (pip install -U "yt-dlp[default]", Node >= 22 on PATH), or set YTDLP_AUTO_UPDATE=daily';

export const YOUTUBE_FAILURES: Readonly<Record<YouTubeFailureCode, YouTubeFailureInfo>> = {
  YOUTUBE_BOT_CHECK: {
    meaning: 'YouTube flagged this server\'s IP address and asks for a sign-in ("confirm you\'re not a bot")',
    remedy: `${POT}; or ${COOKIES} (docs/youtube.md)`,
    refusesServer: true,
  },
  YOUTUBE_RATE_LIMITED: {
    meaning: 'YouTube is rate-limiting this server (HTTP 429 / "try again later")',
    remedy: `lower RESOLVE_CONCURRENCY; ${POT}; or ${COOKIES} (docs/youtube.md)`,
    refusesServer: true,
  },
  YOUTUBE_CHALLENGE_FAILED: {
    meaning:
      "yt-dlp could not solve YouTube's JavaScript challenge (no JS runtime, no yt-dlp-ejs, or outdated), so only images were offered",
    remedy: `${INSTALL}; npm run doctor shows what is missing (docs/youtube.md)`,
    refusesServer: true,
  },
  YOUTUBE_MEDIA_FORBIDDEN: {
    meaning: 'YouTube answered HTTP 403 for an audio URL yt-dlp had just signed',
    remedy: `${POT}; keep yt-dlp current (YTDLP_AUTO_UPDATE=daily) (docs/youtube.md)`,
    refusesServer: true,
  },
  YOUTUBE_SIGN_IN: {
    meaning: 'a member asked for an age-restricted video, which YouTube shows to signed-in viewers only',
    remedy: `${COOKIES} (an adult account) (docs/youtube.md)`,
    refusesServer: false,
  },
  YOUTUBE_MEMBERS_ONLY: {
    meaning: 'a member asked for a channel-members-only video',
    remedy: `${COOKIES} (an account that is a member of that channel)`,
    refusesServer: false,
  },
  YOUTUBE_PRIVATE: { meaning: 'a member asked for a private video', refusesServer: false },
  YOUTUBE_REMOVED: { meaning: 'a member asked for a removed or non-existent video', refusesServer: false },
  YOUTUBE_REGION_BLOCKED: {
    meaning: "a member asked for a video blocked in this server's country",
    refusesServer: false,
  },
  YOUTUBE_NOT_LIVE_YET: {
    meaning: 'a member asked for a premiere or live stream that has not started',
    refusesServer: false,
  },
  YOUTUBE_UNSUPPORTED_URL: {
    meaning: 'a member gave a YouTube link yt-dlp has no extractor for',
    refusesServer: false,
  },
};

/** yt-dlp's challenge-solver and runtime warnings: a "Requested format is not available" after one is our install's fault. */
const CHALLENGE_WARNING =
  /n challenge solving failed|Signature solving failed|Only images are available|No supported JavaScript runtime|challenge solver .*script .*(?:skipped|not supported)|No usable challenge solver/i;

/** Ordered: the first matching rule wins. Matched against the whole stderr tail (warnings included). */
const RULES: readonly (readonly [YouTubeFailureCode, RegExp])[] = [
  ['YOUTUBE_BOT_CHECK', /confirm you[’']re not a bot|Your IP is likely being blocked|requiring a captcha challenge/i],
  [
    'YOUTUBE_RATE_LIMITED',
    /HTTP Error 429|Too Many Requests|rate-limited by YouTube|content isn't available, try again later/i,
  ],
  [
    'YOUTUBE_SIGN_IN',
    /confirm your age|age-restricted|inappropriate for some users|requiring account age-verification/i,
  ],
  ['YOUTUBE_MEMBERS_ONLY', /members-only|available to this channel's members|Join this channel/i],
  ['YOUTUBE_PRIVATE', /Private video|This video is private/i],
  [
    'YOUTUBE_REGION_BLOCKED',
    /not made this video available in your country|not available from your location|geo.?restrict/i,
  ],
  [
    'YOUTUBE_NOT_LIVE_YET',
    /live event will begin|Premieres in|This live stream recording is not available|Waiting for (?:the )?(?:video|stream)/i,
  ],
  [
    'YOUTUBE_REMOVED',
    /has been removed|been terminated|no longer available|Video unavailable|does not exist|This video is unavailable/i,
  ],
];

/**
 * The YouTube failure a failed yt-dlp run's stderr describes, or `null` when it is none of them (network
 * trouble, a crash, a non-YouTube site).
 */
export function classifyYouTubeStderr(stderr: string): YouTubeFailureCode | null {
  const errorLines = stderr
    .split(/\r?\n/)
    .filter((line) => line.startsWith('ERROR:'))
    .join('\n');
  if (/Requested format is not available/i.test(errorLines)) {
    return CHALLENGE_WARNING.test(stderr) ? 'YOUTUBE_CHALLENGE_FAILED' : null; // no warning: the video has no audio
  }
  if (/HTTP Error 403/i.test(errorLines)) return 'YOUTUBE_MEDIA_FORBIDDEN';
  if (
    /^ERROR: \[(?:youtube[^\]]*|generic)\] .*Unsupported URL: https?:\/\/(?:[\w-]+\.)*(?:youtube\.com|youtu\.be)\//im.test(
      errorLines,
    )
  ) {
    return 'YOUTUBE_UNSUPPORTED_URL';
  }
  // Only a YouTube extractor's errors are YouTube's refusals (SoundCloud shares this client).
  const youtubeErrors = errorLines
    .split('\n')
    .filter((line) => /^ERROR: \[youtube/i.test(line))
    .join('\n');
  if (youtubeErrors === '') return null;
  return RULES.find(([, pattern]) => pattern.test(youtubeErrors))?.[0] ?? null;
}

export const isYouTubeFailureCode = (code: string): code is YouTubeFailureCode => code in YOUTUBE_FAILURES;

/** True for the failures that mean YouTube refuses this server (not one video): fallback applies. */
export const refusesServer = (code: string): boolean =>
  isYouTubeFailureCode(code) && YOUTUBE_FAILURES[code].refusesServer;
