import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import {
  MAX_SHARD_COUNT,
  ordinalFromPodName,
  parseShardIds,
  shardsForOrdinal,
  type ShardPlan,
} from './core/shard-plan.js';
import { readYtDlpOwnerConfig, type YtDlpOwnerConfig } from './config-ytdlp.js';
import { readWebConfig, type WebConfig } from './config-web.js';

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
  /**
   * Audio worker threads (AUDIO_WORKERS): 0 (the default: the in-process engine, audio on the main thread),
   * `auto` (one per core) or a number. Workers are opt-in until they pass the hostile suite as the default
   * (see docs/scaling.md#audio-worker-threads-audio_workers).
   */
  readonly audioWorkers: number | 'auto';
  readonly idleTimeoutMs: number;
  readonly aloneTimeoutMs: number;
  readonly cleanupIntervalMs: number;
  readonly registerCommands: boolean;
  /** Benchmark only: the common ffmpeg → PCM → in-process Opus pipeline, to measure ours against it. */
  readonly baselinePipeline: boolean;
  /** Loudness normalization for guilds that have not chosen (`/settings normalize`). */
  readonly normalizeDefault: boolean;
  /** The level normalization aims for, LUFS (the streaming services use about -14). */
  readonly normalizeTargetLufs: number;
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
  /** Where `/feedback` ratings are forwarded (a channel id), or undefined. */
  readonly feedbackChannelId: string | undefined;
  /** How often `/status`'s frame history takes a sample (a minute; tests shorten it). */
  readonly statusSampleMs: number;
  /**
   * The shards this process runs when it is one of several processes started by hand or by Kubernetes
   * (`SHARDS=[0,1]` or `SHARDS=ordinal` with `SHARD_COUNT`); undefined for one process running every shard,
   * or a child of `npm run start:sharded` (discord.js's manager passes its ids itself).
   */
  readonly shards: ShardPlan | undefined;
  /** Saved playlists one member may keep, and tracks per saved playlist. */
  readonly maxSavedPlaylists: number;
  readonly maxSavedPlaylistTracks: number;
  /** LRCLIB base URL for /lyrics; undefined when LYRICS_API_URL is set empty (lyrics off). */
  readonly lyricsApiUrl: string | undefined;
  /** Re-post the player message when a track starts this many messages below it; 0 = always edit in place. */
  readonly playerRepostAfter: number;
  /** Commands and button presses per member (RATE_LIMIT_MEMBER) and per guild (RATE_LIMIT_GUILD); null: no limit. */
  readonly rateLimitMember: Rate | null;
  readonly rateLimitGuild: Rate | null;
  /** Extra environment variable names (`NAME` or `PREFIX_*`) passed to yt-dlp and ffmpeg (CHILD_ENV_PASSTHROUGH). */
  readonly childEnvPassthrough: readonly string[];
  /** The web player and REST API (WEB_ENABLED and friends, config-web.ts); undefined when off. */
  readonly web: WebConfig | undefined;
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
    fetchTimeoutMs: read.duration('FETCH_TIMEOUT', 10_000, 600),
    maxSessions: read.int('MAX_SESSIONS', 100, 1, 100_000),
    audioWorkers: readAudioWorkers(env, read),
    idleTimeoutMs: read.duration('IDLE_TIMEOUT', 5 * 60_000),
    aloneTimeoutMs: read.duration('ALONE_TIMEOUT', 2 * 60_000),
    cleanupIntervalMs: read.duration('CLEANUP_INTERVAL', 60_000),
    registerCommands: read.bool('REGISTER_COMMANDS', true),
    baselinePipeline: read.bool('BENCH_BASELINE_PIPELINE', false),
    normalizeDefault: read.bool('NORMALIZE_DEFAULT', false),
    normalizeTargetLufs: read.int('NORMALIZE_TARGET_LUFS', -14, -40, -5),
    ytdlpPath: env.YTDLP_PATH?.trim() || undefined,
    ytdlp: readYtDlpOwnerConfig(env, problems, (name, fallback) => read.duration(name, fallback)),
    searchSource: read.oneOf('SEARCH_SOURCE', ['youtube', 'local'] as const, 'youtube'),
    mediaDir: env.MEDIA_DIR?.trim() || undefined,
    spotify: readSpotify(env, problems),
    resolveConcurrency: read.int('RESOLVE_CONCURRENCY', 3, 1, 16),
    cacheTtlMs: read.duration('CACHE_TTL', 60 * 60_000),
    maxPlaylist: read.int('MAX_PLAYLIST', 1000, 1, 10_000),
    storeUrl: readStoreUrl(env.STORE_URL, problems),
    feedbackChannelId: read.optionalSnowflake('FEEDBACK_CHANNEL_ID'),
    statusSampleMs: read.duration('STATUS_SAMPLE_INTERVAL', 60_000),
    shards: readShardPlan(env, read, problems),
    maxSavedPlaylists: read.int('MAX_SAVED_PLAYLISTS', 25, 1, 1000),
    maxSavedPlaylistTracks: read.int('MAX_SAVED_PLAYLIST_TRACKS', 500, 1, 10_000),
    // Set but empty turns lyrics off; unset uses the public LRCLIB.
    lyricsApiUrl:
      env.LYRICS_API_URL !== undefined && env.LYRICS_API_URL.trim() === ''
        ? undefined
        : read.url('LYRICS_API_URL', 'https://lrclib.net'),
    playerRepostAfter: read.int('PLAYER_REPOST_AFTER', 10, 0, 100),
    rateLimitMember: readRate(env, 'RATE_LIMIT_MEMBER', { capacity: 10, perMs: 10_000 }, problems),
    rateLimitGuild: readRate(env, 'RATE_LIMIT_GUILD', { capacity: 60, perMs: 30_000 }, problems),
    childEnvPassthrough: read.list('CHILD_ENV_PASSTHROUGH'),
    web: readWebConfig(
      env,
      read,
      problems,
      (name, fallback) => readRate(env, name, fallback, problems),
      apiUrl,
      (base) => portForShard(base, env),
    ),
  };
  if (config.searchSource === 'local' && !config.mediaDir) {
    problems.push('SEARCH_SOURCE=local needs MEDIA_DIR (the folder with your music).');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

/** AUDIO_WORKERS: 0 (default), `auto`, or 1-64 threads. */
function readAudioWorkers(env: NodeJS.ProcessEnv, read: Reader): number | 'auto' {
  const raw = env.AUDIO_WORKERS?.trim().toLowerCase();
  if (raw === undefined || raw === '') return 0;
  if (raw === 'auto') return 'auto';
  if (!/^\d+$/.test(raw) || Number(raw) > 64) {
    read.problem(`AUDIO_WORKERS must be auto or a whole number from 0 to 64 (got "${raw}").`);
    return 'auto';
  }
  return Number(raw);
}

function readToken(raw: string | undefined, problems: string[]): string {
  const token = raw?.trim().replace(/^Bot\s+/i, '') ?? '';
  if (!token) {
    problems.push(
      'DISCORD_TOKEN is not set. Create a bot at https://discord.com/developers/applications, copy its token, ' +
        'and put DISCORD_TOKEN=... in .env (see .env.example).',
    );
  } else if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) {
    problems.push(
      'DISCORD_TOKEN does not look like a bot token (three dot-separated parts). Copy it again from the Developer Portal.',
    );
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
    problems.push(
      'Spotify needs both SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET (from developer.spotify.com/dashboard).',
    );
    return undefined;
  }
  const refreshToken = env.SPOTIFY_REFRESH_TOKEN?.trim();
  const market = env.SPOTIFY_MARKET?.trim().toUpperCase();
  if (market && !/^[A-Z]{2}$/.test(market))
    problems.push(`SPOTIFY_MARKET must be a two-letter country code (got "${market}").`);
  return { clientId, clientSecret, ...(refreshToken ? { refreshToken } : {}), ...(market ? { market } : {}) };
}

/**
 * `SHARDS` for a process that runs some of the shards: a JSON list (`[0,1]`), or `ordinal`, which derives the
 * list from a StatefulSet pod's ordinal (POD_ORDINAL, else the `-N` ending of POD_NAME or HOSTNAME) and
 * SHARDS_PER_POD. Both need SHARD_COUNT, the total. Any other value (`auto`, a number) is the shard manager's
 * count, read by `npm run start:sharded`, not here.
 */
function readShardPlan(env: Env, read: Reader, problems: string[]): ShardPlan | undefined {
  const raw = env.SHARDS?.trim() ?? '';
  if (env.SHARDING_MANAGER === 'true' || (raw !== 'ordinal' && !raw.startsWith('['))) return undefined;
  if (!env.SHARD_COUNT?.trim()) {
    problems.push(`SHARDS=${raw} needs SHARD_COUNT, the total number of shards (the same in every process).`);
    return undefined;
  }
  const count = read.int('SHARD_COUNT', 1, 1, MAX_SHARD_COUNT);
  if (raw !== 'ordinal') {
    const ids = parseShardIds(raw, count);
    if (typeof ids === 'string') problems.push(ids);
    return typeof ids === 'string' ? undefined : { ids, count };
  }
  const perPod = read.int('SHARDS_PER_POD', 1, 1, MAX_SHARD_COUNT);
  const ordinal = readOrdinal(env);
  if (ordinal === undefined) {
    problems.push(
      'SHARDS=ordinal needs the pod ordinal: set POD_ORDINAL, or POD_NAME to the StatefulSet pod name ' +
        '(e.g. tunebot-2) with the downward API (see deploy/kubernetes/).',
    );
    return undefined;
  }
  const ids = shardsForOrdinal(ordinal, count, perPod);
  if (ids.length === 0) {
    problems.push(
      `This is pod ${ordinal}, but SHARD_COUNT=${count} with SHARDS_PER_POD=${perPod} needs only ` +
        `${Math.ceil(count / perPod)} pods (0-${Math.ceil(count / perPod) - 1}): scale the StatefulSet to that many replicas.`,
    );
    return undefined;
  }
  return { ids, count };
}

function readOrdinal(env: Env): number | undefined {
  const explicit = env.POD_ORDINAL?.trim();
  if (explicit) return /^(0|[1-9]\d{0,8})$/.test(explicit) ? Number(explicit) : undefined;
  for (const name of [env.POD_NAME, env.HOSTNAME]) {
    const ordinal = name ? ordinalFromPodName(name) : undefined;
    if (ordinal !== undefined) return ordinal;
  }
  return undefined;
}

/** A command rate: `capacity` at once, refilled over `perMs` (the shape core/token-bucket takes). */
export interface Rate {
  readonly capacity: number;
  readonly perMs: number;
}

/** `"10/10s"` → 10 commands, refilled over 10 s; `off`/`0` → null (no limit); undefined when malformed. */
export function parseRate(text: string): Rate | null | undefined {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'off' || trimmed === '0') return null;
  const m = /^(\d{1,6})\/(.+)$/.exec(trimmed);
  if (!m) return undefined;
  const capacity = Number(m[1]);
  const perMs = parseDuration(m[2] ?? '');
  if (capacity < 1 || perMs === undefined || perMs <= 0) return undefined;
  return { capacity, perMs };
}

function readRate(env: Env, name: string, fallback: Rate, problems: string[]): Rate | null {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const rate = parseRate(raw);
  if (rate !== undefined) return rate;
  problems.push(`${name} must look like 10/10s (commands per time) or off (got "${raw}").`);
  return fallback;
}

function readStoreUrl(raw: string | undefined, problems: string[]): string | undefined {
  const url = raw?.trim();
  if (!url) return undefined;
  if (!/^(redis|rediss|postgres|postgresql|sqlite):\/\//.test(url)) {
    problems.push(
      'STORE_URL must start with redis://, postgres:// or sqlite:// (leave it empty for SQLite under DATA_DIR).',
    );
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

  problem(text: string): void {
    this.problems.push(text);
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
    return (this.raw(name) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  optionalSnowflake(name: string): string | undefined {
    const value = this.raw(name);
    if (value !== undefined && !/^\d{15,21}$/.test(value)) {
      this.problems.push(
        `${name} must be a server (guild) id: right-click the server with Developer Mode on → Copy Server ID.`,
      );
    }
    return value;
  }

  /**
   * Durations: `90`, `90s`, `1500ms`, `5m`, `2h`, `1m30s`; a bare number means seconds. A bare number above
   * `maxBareSeconds` is almost always milliseconds written without the unit (`IDLE_TIMEOUT=300000` would be 83
   * hours), so it is refused with the reading that was probably meant.
   */
  duration(name: string, fallbackMs: number, maxBareSeconds = MAX_BARE_SECONDS): number {
    const value = this.raw(name);
    if (value === undefined) return fallbackMs;
    const ms = parseDuration(value);
    if (ms === undefined) {
      this.problems.push(`${name} must be a duration like 90s, 5m or 1h (got "${value}").`);
      return fallbackMs;
    }
    if (isBareNumber(value) && Number(value) > maxBareSeconds) {
      this.problems.push(
        `${name}=${value} has no unit, so it means ${value} seconds (${humanDuration(ms)}): ` +
          `did you mean ${value}ms (${humanDuration(Number(value))})? Write the unit, e.g. ${value}ms, 90s or 5m.`,
      );
      return fallbackMs;
    }
    return ms;
  }
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** A bare number of seconds above a day is taken for milliseconds without their unit (see Reader.duration). */
const MAX_BARE_SECONDS = 86_400;

const isBareNumber = (text: string): boolean => /^\d+(\.\d+)?$/.test(text);

/** `300000` → `5m`, `5400000` → `1h30m`, `1500` → `1.5s`: the shortest reading in the units .env accepts. */
export function humanDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10}s`;
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}` || '0s';
}

export function parseDuration(text: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_MS[p[2] ?? 's'] ?? 0), 0));
}
