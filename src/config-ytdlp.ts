import { accessSync, constants, readFileSync, statSync } from 'node:fs';

/**
 * The owner's yt-dlp settings: remedies for YouTube's refusals (cookies, a PO-token provider, extra options),
 * the self-update and the canary. Read with the rest of the configuration (src/config.ts): every problem is
 * reported at start-up with what to do.
 */
export interface YtDlpOwnerConfig {
  /** YTDLP_COOKIES: the owner's Netscape cookies file (never modified: yt-dlp gets a private copy). */
  readonly cookies: string | undefined;
  /** YTDLP_POT_PROVIDER: base URL of a bgutil-ytdlp-pot-provider server. */
  readonly potProvider: string | undefined;
  /** YTDLP_ARGS, split like a shell would (quotes, backslashes); options only. */
  readonly args: readonly string[];
  /** YTDLP_AUTO_UPDATE. */
  readonly autoUpdate: 'off' | 'daily' | 'startup';
  /** YTDLP_UPDATE_SOURCE: what pip installs (`yt-dlp[default]` from PyPI, or a local path/URL of a package). */
  readonly updateSource: string;
  /** YTDLP_CANARY_URL (`off` disables the canary). */
  readonly canaryUrl: string | undefined;
  /** YTDLP_CANARY_INTERVAL. */
  readonly canaryIntervalMs: number;
}

/** "Me at the zoo", YouTube's first upload (2005): public, short and unlikely ever to go away. */
export const DEFAULT_CANARY_URL = 'https://www.youtube.com/watch?v=jNQXAC9IVRw';

/** Options that would break the bot's own invariants if an owner passed them (see ytdlp-args.ts). */
const REFUSED_OPTIONS: Readonly<Record<string, string>> = {
  '--': 'it would end the options early',
  '-a': 'it adds URLs from a file to every run',
  '--batch-file': 'it adds URLs from a file to every run',
  '--load-info-json': 'it replaces what the bot asked for',
  '--cookies': 'use YTDLP_COOKIES instead (the bot gives yt-dlp a private copy, because yt-dlp rewrites the file)',
  '--cookies-from-browser':
    'use YTDLP_COOKIES with a cookies.txt exported from the browser (a server has no browser profile)',
};

/** Splits `text` into words like a POSIX shell: whitespace separates, quotes group, backslash escapes. */
export function splitShellWords(text: string): string[] | { error: string } {
  const words: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (c === '\\' && i + 1 < text.length && (quote === null || '"\\$`'.includes(text[i + 1] as string))) {
      word = (word ?? '') + text[++i];
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else word = (word ?? '') + c;
  }
  if (quote) return { error: `an unclosed ${quote} quote` };
  if (word !== null) words.push(word);
  return words;
}

/** YTDLP_ARGS: options (with their values) only, none that would break the bot's invariants. */
export function readYtDlpArgs(raw: string | undefined, problems: string[]): string[] {
  if (!raw?.trim()) return [];
  const words = splitShellWords(raw);
  if (!Array.isArray(words)) {
    problems.push(
      `YTDLP_ARGS has ${words.error}; quote values like: YTDLP_ARGS='--extractor-args "youtube:player_client=default"'.`,
    );
    return [];
  }
  if (!words[0]?.startsWith('-')) {
    problems.push(`YTDLP_ARGS must start with an option (got "${words[0]}"); it takes yt-dlp options, never URLs.`);
    return [];
  }
  for (const word of words) {
    const name = word.startsWith('--') ? (word.split('=')[0] ?? word) : word;
    const why = REFUSED_OPTIONS[name];
    if (why) {
      problems.push(`YTDLP_ARGS may not contain ${name}: ${why}.`);
      return [];
    }
  }
  return words;
}

function readCookies(raw: string | undefined, problems: string[]): string | undefined {
  const file = raw?.trim();
  if (!file) return undefined;
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
    accessSync(file, constants.R_OK);
  } catch {
    problems.push(
      `YTDLP_COOKIES=${file} is not a readable file. Export YouTube cookies in Netscape format (docs/youtube.md).`,
    );
    return undefined;
  }
  const head = readFileSync(file, 'utf8').slice(0, 64 * 1024);
  const entry = head.split('\n').find((line) => line.trim() !== '' && !line.startsWith('#'));
  if (/^\s*[[{]/.test(head) || (entry !== undefined && entry.replace(/^#HttpOnly_/, '').split('\t').length !== 7)) {
    problems.push(
      `YTDLP_COOKIES=${file} is not a Netscape cookies.txt (tab-separated, 7 fields per line); JSON exports do not work (docs/youtube.md).`,
    );
    return undefined;
  }
  return file;
}

function readUrl(name: string, raw: string | undefined, problems: string[], example: string): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    problems.push(`${name} must be an http(s) URL, e.g. ${example} (got "${value}").`);
    return undefined;
  }
  return value.replace(/\/+$/, '');
}

type Env = Record<string, string | undefined>;
type DurationReader = (name: string, fallbackMs: number) => number;

export function readYtDlpOwnerConfig(env: Env, problems: string[], duration: DurationReader): YtDlpOwnerConfig {
  const autoUpdate = (env.YTDLP_AUTO_UPDATE?.trim().toLowerCase() || 'off') as YtDlpOwnerConfig['autoUpdate'];
  if (!['off', 'daily', 'startup'].includes(autoUpdate))
    problems.push(`YTDLP_AUTO_UPDATE must be off, daily or startup (got "${autoUpdate}").`);
  const canary = env.YTDLP_CANARY_URL?.trim();
  return {
    cookies: readCookies(env.YTDLP_COOKIES, problems),
    potProvider: readUrl('YTDLP_POT_PROVIDER', env.YTDLP_POT_PROVIDER, problems, 'http://bgutil-provider:4416'),
    args: readYtDlpArgs(env.YTDLP_ARGS, problems),
    autoUpdate: ['off', 'daily', 'startup'].includes(autoUpdate) ? autoUpdate : 'off',
    updateSource: env.YTDLP_UPDATE_SOURCE?.trim() || 'yt-dlp[default]',
    canaryUrl:
      canary?.toLowerCase() === 'off'
        ? undefined
        : (readUrl('YTDLP_CANARY_URL', canary, problems, DEFAULT_CANARY_URL) ?? DEFAULT_CANARY_URL),
    canaryIntervalMs: duration('YTDLP_CANARY_INTERVAL', 3_600_000),
  };
}
