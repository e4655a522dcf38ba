import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { readYtDlpOwnerConfig, type YtDlpOwnerConfig } from './config-ytdlp.js';

/**
 * Configuration, parsed once at start-up into a frozen object. Every problem is collected and reported at
 * once with what to do, so a self-hoster fixes their `.env` in one go instead of one crash at a time.
 * The environment variable names are a contract: other tools drive the bot with them.
 */
export interface Config {
  readonly token: string;
  /** REST base including `/api` (the gateway URL is discovered through it). */
  readonly apiUrl: string;
  readonly dataDir: string;
  /** 0 disables the HTTP endpoint. */
  readonly httpPort: number;
  readonly httpHost: string;
  readonly logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  readonly logPretty: boolean;
  /** Lower-cased `host` or `host:port` entries that user URLs may reach although private. */
  readonly allowedPrivateHosts: readonly string[];
  readonly devGuildId: string | undefined;
  readonly ffmpegPath: string | undefined;
  readonly maxMediaBytes: number;
  readonly fetchTimeoutMs: number;
  readonly maxSessions: number;
  readonly idleTimeoutMs: number;
  readonly aloneTimeoutMs: number;
  readonly cleanupIntervalMs: number;
  readonly registerCommands: boolean;
  /** Benchmark only: the common ffmpeg → PCM → in-process Opus pipeline, to measure ours against it. */
  readonly baselinePipeline: boolean;
  readonly ytdlpPath: string | undefined;
  /** YTDLP_COOKIES, YTDLP_POT_PROVIDER, YTDLP_ARGS, YTDLP_AUTO_UPDATE, YTDLP_CANARY_URL … (config-ytdlp.ts). */
  readonly ytdlp: YtDlpOwnerConfig;
  readonly searchSource: 'youtube' | 'local';
  readonly mediaDir: string | undefined;
  readonly spotify: { clientId: string; clientSecret: string; refreshToken?: string; market?: string } | undefined;
  readonly resolveConcurrency: number;
  readonly cacheTtlMs: number;
  readonly maxPlaylist: number;
  /** redis:// or postgres:// for a shared store; SQLite under DATA_DIR when unset. */
  readonly storeUrl: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** Reads `.env` (if present) under the process environment: variables already set win. */
export function loadEnv(cwd: string, env: Env = process.env): Env {
  const file = `${cwd}/.env`;
  if (!existsSync(file)) return { ...env };
  return { ...parseEnv(readFileSync(file, 'utf8')), ...env };
}

/** Parses and validates; throws one ConfigError listing every problem. */
export function parseConfig(env: Env): Config {
  const problems: string[] = [];
  const read = new Reader(env, problems);
  const token = readToken(env.DISCORD_TOKEN, problems);
  const apiUrl = read.url('DISCORD_API_URL', 'https://discord.com/api');
  const config: Config = {
    token,
    apiUrl,
    dataDir: read.string('DATA_DIR', './data'),
    httpPort: portForShard(read.int('HTTP_PORT', 8080, 0, 65535), env),
    httpHost: read.string('HTTP_HOST', '127.0.0.1'),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    logPretty: read.bool('LOG_PRETTY', false),
    allowedPrivateHosts: read.list('ALLOWED_PRIVATE_HOSTS').map((h) => h.toLowerCase()),
    devGuildId: read.optionalSnowflake('DEV_GUILD_ID'),
    ffmpegPath: env.FFMPEG_PATH?.trim() || undefined,
    maxMediaBytes: read.int('MAX_MEDIA_BYTES', 200 * 1024 * 1024, 1024, 2 ** 40),
    fetchTimeoutMs: read.duration('FETCH_TIMEOUT', 10_000),
    maxSessions: read.int('MAX_SESSIONS', 100, 1, 100_000),
    idleTimeoutMs: read.duration('IDLE_TIMEOUT', 5 * 60_000),
    aloneTimeoutMs: read.duration('ALONE_TIMEOUT', 2 * 60_000),
    cleanupIntervalMs: read.duration('CLEANUP_INTERVAL', 60_000),
    registerCommands: read.bool('REGISTER_COMMANDS', true),
    baselinePipeline: read.bool('BENCH_BASELINE_PIPELINE', false),
    ytdlpPath: env.YTDLP_PATH?.trim() || undefined,
    ytdlp: readYtDlpOwnerConfig(env, problems, (name, fallback) => read.duration(name, fallback)),
    searchSource: read.oneOf('SEARCH_SOURCE', ['youtube', 'local'] as const, 'youtube'),
    mediaDir: env.MEDIA_DIR?.trim() || undefined,
    spotify: readSpotify(env, problems),
    resolveConcurrency: read.int('RESOLVE_CONCURRENCY', 3, 1, 16),
    cacheTtlMs: read.duration('CACHE_TTL', 60 * 60_000),
    maxPlaylist: read.int('MAX_PLAYLIST', 1000, 1, 10_000),
    storeUrl: readStoreUrl(env.STORE_URL, problems),
  };
  if (config.searchSource === 'local' && !config.mediaDir) {
    problems.push('SEARCH_SOURCE=local needs MEDIA_DIR (the folder with your music).');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

function readToken(raw: string | undefined, problems: string[]): string {
  const token = raw?.trim().replace(/^Bot\s+/i, '') ?? '';
  if (!token) {
    problems.push(
      'DISCORD_TOKEN is not set. Create a bot at https://discord.com/developers/applications, copy its token, ' +
        'and put DISCORD_TOKEN=... in .env (see .env.example).',
    );
  } else if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) {
    problems.push('DISCORD_TOKEN does not look like a bot token (three dot-separated parts). Copy it again from the Developer Portal.');
  }
  return token;
}

/**
 * Under `npm run start:sharded` every shard is its own process: shard N serves health and metrics on
 * HTTP_PORT + N, so each can be scraped and none fails to bind. (discord.js's ShardingManager sets
 * SHARDING_MANAGER and puts this process's shard id(s) in SHARDS.)
 */
export function portForShard(base: number, env: Env): number {
  if (base === 0 || env.SHARDING_MANAGER !== 'true') return base;
  let ids: unknown;
  try {
    ids = JSON.parse(env.SHARDS ?? '');
  } catch {
    return base;
  }
  const first = Array.isArray(ids) ? ids[0] : ids;
  return typeof first === 'number' && Number.isInteger(first) && base + first <= 65535 ? base + first : base;
}

function readSpotify(env: Env, problems: string[]): Config['spotify'] {
  const clientId = env.SPOTIFY_CLIENT_ID?.trim();
  const clientSecret = env.SPOTIFY_CLIENT_SECRET?.trim();
  if (!clientId && !clientSecret) return undefined;
  if (!clientId || !clientSecret) {
    problems.push('Spotify needs both SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET (from developer.spotify.com/dashboard).');
    return undefined;
  }
  const refreshToken = env.SPOTIFY_REFRESH_TOKEN?.trim();
  const market = env.SPOTIFY_MARKET?.trim().toUpperCase();
  if (market && !/^[A-Z]{2}$/.test(market)) problems.push(`SPOTIFY_MARKET must be a two-letter country code (got "${market}").`);
  return { clientId, clientSecret, ...(refreshToken ? { refreshToken } : {}), ...(market ? { market } : {}) };
}

function readStoreUrl(raw: string | undefined, problems: string[]): string | undefined {
  const url = raw?.trim();
  if (!url) return undefined;
  if (!/^(redis|rediss|postgres|postgresql|sqlite):\/\//.test(url)) {
    problems.push('STORE_URL must start with redis://, postgres:// or sqlite:// (leave it empty for SQLite under DATA_DIR).');
  }
  return url;
}

/** Small typed readers that record problems instead of throwing, so all are reported together. */
class Reader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  url(name: string, fallback: string): string {
    const value = this.raw(name) ?? fallback;
    if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
      this.problems.push(`${name} must be an http(s) URL, e.g. ${fallback} (got "${value}").`);
    }
    return value.replace(/\/+$/, '');
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max} (got "${value}").`);
      return fallback;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name} must be true or false (got "${value}").`);
    return fallback;
  }

  oneOf<T extends string>(name: string, options: readonly T[], fallback: T): T {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if ((options as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name} must be one of ${options.join(', ')} (got "${value}").`);
    return fallback;
  }

  list(name: string): string[] {
    return (this.raw(name) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  }

  optionalSnowflake(name: string): string | undefined {
    const value = this.raw(name);
    if (value !== undefined && !/^\d{15,21}$/.test(value)) {
      this.problems.push(`${name} must be a server (guild) id: right-click the server with Developer Mode on → Copy Server ID.`);
    }
    return value;
  }

  /** Durations: `90`, `90s`, `1500ms`, `5m`, `2h`, `1m30s`; a bare number means seconds. */
  duration(name: string, fallbackMs: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallbackMs;
    const ms = parseDuration(value);
    if (ms === undefined) {
      this.problems.push(`${name} must be a duration like 90s, 5m or 1h (got "${value}").`);
      return fallbackMs;
    }
    return ms;
  }
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(text: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_MS[p[2] ?? 's'] ?? 0), 0));
}
