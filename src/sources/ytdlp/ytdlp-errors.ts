/**
 * What went wrong with a yt-dlp run, and what the user gets told.
 *
 * yt-dlp reports failures as `ERROR: [extractor] id: message` lines on stderr with exit status 1 (2 for
 * bad options). stderr is for logs only: it can hold URLs with signatures, IPs and cookies' effects, so
 * it never reaches a user; `toUserFacingError` maps each failure kind to a catalogue `UserError`, or keeps
 * the `YtDlpError` when it is an outage/bug (the router then shows only a reference id).
 */
import { UserError, type PlainErrorCode } from '../../core/errors.js';
import { classifyYouTubeStderr } from './youtube-failures.js';

export type YtDlpFailureKind =
  /** Private, deleted, region-blocked, age-gated, members-only, not yet live. */
  | 'unavailable'
  /** No audio format matched (`Requested format is not available`). */
  | 'no-audio'
  /** yt-dlp has no extractor for the URL. */
  | 'unsupported'
  /** YouTube refuses us: HTTP 429, the "confirm you're not a bot" wall. */
  | 'blocked'
  /** DNS, reset sockets, 5xx: may clear on its own (transient). */
  | 'network'
  /** yt-dlp rejected our options: an outdated yt-dlp (e.g. without `--js-runtimes`). */
  | 'bad-invocation'
  | 'timeout'
  | 'output-too-large'
  /** stdout was not the JSON we asked for. */
  | 'bad-output'
  /** The binary could not be started (missing, not executable). */
  | 'spawn-failed'
  /** Anything else: killed by a signal, an unexpected traceback. */
  | 'crashed';

const TRANSIENT_KINDS: ReadonlySet<YtDlpFailureKind> = new Set(['network']);

export class YtDlpError extends Error {
  readonly kind: YtDlpFailureKind;
  readonly exitCode: number | null;
  /** The last few KiB of stderr, for logs only. */
  readonly stderrTail: string;
  /** Marks errors the worker pool may retry (see core/transient.ts). */
  readonly transient: boolean;

  constructor(kind: YtDlpFailureKind, message: string, details: { exitCode?: number | null; stderr?: string } = {}) {
    super(message);
    this.name = 'YtDlpError';
    this.kind = kind;
    this.exitCode = details.exitCode ?? null;
    this.stderrTail = details.stderr ?? '';
    this.transient = TRANSIENT_KINDS.has(kind);
  }
}

/** Ordered: the first matching rule wins (a bot wall must not read as "unavailable"). */
const RULES: readonly (readonly [YtDlpFailureKind, RegExp])[] = [
  ['bad-invocation', /no such option|error: invalid|Usage: yt-dlp/i],
  ['blocked', /HTTP Error 429|Too Many Requests|confirm you.re not a bot|rate-limited/i],
  ['unsupported', /Unsupported URL|is not a valid URL|No video could be found|no suitable extractor/i],
  ['no-audio', /Requested format is not available/i],
  [
    'unavailable',
    /Video unavailable|is not available|Private video|has been removed|been terminated|does not exist|members-only|Join this channel|confirm your age|age-restricted|not made this video available in your country|Premieres in|live event will begin|This video is unavailable/i,
  ],
  [
    'network',
    /HTTP Error 5\d\d|timed out|Connection (?:reset|refused|aborted)|Temporary failure in name resolution|Name or service not known|getaddrinfo|Network is unreachable|Unable to download (?:webpage|API page|JSON metadata)|urlopen error|IncompleteRead|SSL/i,
  ],
];

/** Classifies a failed run from its stderr; `crashed` when nothing matches. Pure. */
export function classifyStderr(stderr: string): YtDlpFailureKind {
  const errors = stderr
    .split(/\r?\n/)
    .filter((line) => /^(?:ERROR:|yt-dlp: error:|Usage:)/.test(line.trim()))
    .join('\n');
  const text = errors === '' ? stderr : errors;
  return RULES.find(([, pattern]) => pattern.test(text))?.[0] ?? 'crashed';
}

/**
 * The error to surface: a `UserError` for failures users can understand (with the `YtDlpError` as
 * `cause`, for logs), or the `YtDlpError` itself for outages and bugs.
 *
 * YouTube's own refusals get their dedicated codes (youtube-failures.ts); other sites keep the coarse mapping.
 */
export function toUserFacingError(error: YtDlpError): Error {
  // A finer YouTube cause (bot check, private, members-only …) wins over the coarse kind.
  const code = (error.exitCode !== null ? classifyYouTubeStderr(error.stderrTail) : null) ?? USER_CODES[error.kind];
  if (!code) return error;
  const userError = new UserError(code);
  Object.defineProperty(userError, 'cause', { value: error, enumerable: false });
  return userError;
}

const USER_CODES: Partial<Record<YtDlpFailureKind, PlainErrorCode>> = {
  unavailable: 'TRACK_UNAVAILABLE',
  'no-audio': 'NOT_AUDIO',
  unsupported: 'UNSUPPORTED_QUERY',
  blocked: 'SOURCE_UNAVAILABLE',
  timeout: 'FETCH_TIMEOUT',
  'spawn-failed': 'SOURCE_UNAVAILABLE',
};
