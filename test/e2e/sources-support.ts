import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import {
  REPO_ROOT,
  TONE_CACHE_DIR,
  goertzelPower,
  startBot,
  startMediaServer,
  startOfflineDiscord,
  toMono,
  toneInputArgs,
  type AttachmentSpec,
  type BotProcess,
  type InteractionHandle,
  type MediaServer,
  type OfflineDiscord,
  type OptionShorthand,
  type ReceivedPacket,
} from '../offline-discord/index.js';

/**
 * Support for the track-source end-to-end tests (`sources-*.test.ts`): a stack like harness.ts's, but whose bot
 * environment may name the media server and a second little HTTP server (both only known once they listen),
 * a scriptable fake yt-dlp, and audio helpers that tell tones apart packet by packet.
 */

const run = promisify(execFile);

/** The fake yt-dlp behind per-invocation rules (see test/fixtures/sources/yt-dlp-rules.mjs). */
export const RULES_YTDLP = join(REPO_ROOT, 'test/fixtures/sources/yt-dlp-rules.mjs');
const YTDLP_FIXTURES = join(REPO_ROOT, 'test/fixtures/ytdlp');

// ---------------------------------------------------------------------------------------------------------
// A tiny HTTP server for what the media server cannot do: arbitrary bodies (an M3U written by the test) and
// a file whose first download is cut short while later ones are complete (a connection dropped mid-track).
// ---------------------------------------------------------------------------------------------------------

type Route = (req: IncomingMessage, res: ServerResponse, hit: number) => void;

export class FileServer {
  private readonly server: Server;
  private readonly routes = new Map<string, Route>();
  private readonly counts = new Map<string, number>();

  constructor() {
    this.server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      const hit = (this.counts.get(path) ?? 0) + 1;
      this.counts.set(path, hit);
      const route = this.routes.get(path);
      if (!route) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      route(req, res, hit);
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  /** `127.0.0.1:PORT`, for ALLOWED_PRIVATE_HOSTS. */
  get host(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  url(path: string): string {
    return `http://${this.host}${path}`;
  }

  /** Requests a path received (query strings ignored). */
  hits(path: string): number {
    return this.counts.get(path.startsWith('http') ? new URL(path).pathname : path) ?? 0;
  }

  /** Serves `body` at `path` (with byte ranges, as CDNs do). */
  serve(path: string, body: Buffer | string, contentType: string): string {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
    this.routes.set(path, (req, res) => sendRange(req, res, contentType, bytes));
    return this.url(path);
  }

  /**
   * Serves `file`, but the first download ends cleanly after `fraction` of it (Content-Length of the cut, so
   * nothing signals an error); later downloads are complete. What a reader sees when a CDN drops a connection.
   */
  cutOnce(path: string, file: Buffer, contentType: string, fraction: number): string {
    this.routes.set(path, (req, res, hit) => {
      if (hit > 1) return sendRange(req, res, contentType, file);
      const cut = file.subarray(0, Math.floor(file.length * fraction));
      res.writeHead(200, { 'content-type': contentType, 'content-length': cut.length });
      res.end(cut);
    });
    return this.url(path);
  }

  /**
   * Serves `file` like a signed CDN URL that stops being honoured: the first download ends cleanly after
   * `fraction` of it; after that the URL signed for that first yt-dlp run (same query string) answers 403,
   * and a URL from a later run (the fake yt-dlp signs each run differently) gets the whole file, with ranges.
   */
  forbiddenAfterCut(path: string, file: Buffer, contentType: string, fraction: number): string {
    let firstQuery: string | undefined;
    this.routes.set(path, (req, res, hit) => {
      const query = new URL(req.url ?? '/', 'http://127.0.0.1').search;
      if (hit === 1) {
        firstQuery = query;
        const cut = file.subarray(0, Math.floor(file.length * fraction));
        res.writeHead(200, { 'content-type': contentType, 'content-length': cut.length });
        return void res.end(cut);
      }
      if (query === firstQuery) return void res.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden');
      sendRange(req, res, contentType, file);
    });
    return this.url(path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function sendRange(req: IncomingMessage, res: ServerResponse, type: string, file: Buffer): void {
  const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  if (!m || (!m[1] && !m[2])) {
    res.writeHead(200, { 'content-type': type, 'content-length': file.length, 'accept-ranges': 'bytes' });
    return void res.end(file);
  }
  // `bytes=-N` is the last N bytes (a suffix range, as the Ogg duration probe asks for).
  const start = m[1] ? Number(m[1]) : Math.max(0, file.length - Number(m[2]));
  const end = m[1] && m[2] ? Math.min(Number(m[2]), file.length - 1) : file.length - 1;
  if (start >= file.length || start > end)
    return void res.writeHead(416, { 'content-range': `bytes */${file.length}` }).end();
  res.writeHead(206, {
    'content-type': type,
    'content-length': end - start + 1,
    'content-range': `bytes ${start}-${end}/${file.length}`,
    'accept-ranges': 'bytes',
  });
  res.end(file.subarray(start, end + 1));
}

// ---------------------------------------------------------------------------------------------------------
// The fake yt-dlp, as the test sees it: how often it was started, and what it does for which target.
// ---------------------------------------------------------------------------------------------------------

export interface YtDlpRule {
  /** Text that occurs in the command line (a video id, a search text). */
  readonly match: string;
  /** FAKE_YTDLP_* switches for matching runs. */
  readonly env: Readonly<Record<string, string>>;
}

export class FakeYtDlp {
  readonly argsLog: string;
  readonly rulesFile: string;
  private rules: YtDlpRule[] = [];

  constructor(private readonly dir: string) {
    this.argsLog = join(dir, 'yt-dlp-args.jsonl');
    this.rulesFile = join(dir, 'yt-dlp-rules.json');
    writeFileSync(this.rulesFile, '[]');
  }

  /** The bot's environment for this fake; `mediaUrl` is where every signed media URL points by default. */
  env(mediaUrl: string): Record<string, string> {
    return {
      YTDLP_PATH: RULES_YTDLP,
      FAKE_YTDLP_RULES: this.rulesFile,
      FAKE_YTDLP_ARGS_LOG: this.argsLog,
      FAKE_YTDLP_MEDIA_URL: mediaUrl,
      FAKE_YTDLP_EXPIRE: 'fresh',
    };
  }

  /** Every yt-dlp command line the bot ran so far (`--version` checks included). */
  invocations(): string[][] {
    if (!existsSync(this.argsLog)) return [];
    return readFileSync(this.argsLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as string[]);
  }

  /** How many runs named `text` in their command line (all runs without it). */
  spawns(text?: string): number {
    return this.invocations().filter((args) => text === undefined || args.join(' ').includes(text)).length;
  }

  /** Adds rules (checked before older ones). */
  addRules(...rules: YtDlpRule[]): void {
    this.rules = [...rules, ...this.rules];
    writeFileSync(`${this.rulesFile}.tmp`, JSON.stringify(this.rules));
    renameSync(`${this.rulesFile}.tmp`, this.rulesFile);
  }

  /**
   * A video fixture like video.json (one WebM/Opus audio format) with another id, title and duration; returns
   * the name to give FAKE_YTDLP_FIXTURE. Its media URL is still a googlevideo one, so MEDIA_URL rules apply.
   */
  videoFixture(spec: { id: string; title: string; durationSec: number }): string {
    const info = JSON.parse(readFileSync(join(YTDLP_FIXTURES, 'video.json'), 'utf8')) as Record<string, unknown>;
    const page = `https://www.youtube.com/watch?v=${spec.id}`;
    Object.assign(info, {
      id: spec.id,
      display_id: spec.id,
      title: spec.title,
      fulltitle: spec.title,
      duration: spec.durationSec,
      duration_string: `${Math.floor(spec.durationSec / 60)}:${String(spec.durationSec % 60).padStart(2, '0')}`,
      webpage_url: page,
      original_url: page,
      chapters: null,
      heatmap: null,
    });
    const file = join(this.dir, `video-${spec.id}.json`);
    writeFileSync(file, JSON.stringify(info));
    return relative(YTDLP_FIXTURES, file);
  }

  /**
   * A SoundCloud search result list like soundcloud-search.json with these entries; returns the name to give
   * FAKE_YTDLP_SCSEARCH_FIXTURE.
   */
  soundcloudSearchFixture(
    name: string,
    entries: readonly { title: string; uploader: string; durationSec: number; page: string }[],
  ): string {
    const info = JSON.parse(readFileSync(join(YTDLP_FIXTURES, 'soundcloud-search.json'), 'utf8')) as {
      entries: Record<string, unknown>[];
    };
    const template = info.entries[0] as Record<string, unknown>;
    info.entries = entries.map((e, n) => ({
      ...template,
      id: String(9_000_000 + n),
      url: `https://api.soundcloud.com/tracks/${9_000_000 + n}`,
      title: e.title,
      track: e.title,
      uploader: e.uploader,
      duration: e.durationSec,
      webpage_url: e.page,
    }));
    const file = join(this.dir, `scsearch-${name}.json`);
    writeFileSync(file, JSON.stringify(info));
    return relative(YTDLP_FIXTURES, file);
  }

  /** A rule for video `id`: answered with `fixture` (from `videoFixture`, else the stock one) and media at `mediaUrl`. */
  video(id: string, options: { fixture?: string; mediaUrl?: string; mode?: string }): void {
    this.addRules({
      match: id,
      env: {
        ...(options.fixture ? { FAKE_YTDLP_FIXTURE: options.fixture } : {}),
        ...(options.mediaUrl ? { FAKE_YTDLP_MEDIA_URL: options.mediaUrl } : {}),
        ...(options.mode ? { FAKE_YTDLP_MODE: options.mode } : {}),
      },
    });
  }
}

// ---------------------------------------------------------------------------------------------------------
// The stack
// ---------------------------------------------------------------------------------------------------------

export interface SourcesContext {
  readonly media: MediaServer;
  readonly files: FileServer;
  readonly ytdlp: FakeYtDlp;
  /** A scratch directory removed at close. */
  readonly dir: string;
}

export interface SourcesStackOptions {
  /**
   * The bot's environment, computed once the servers listen. Default: the rules-driven fake yt-dlp with media
   * at a 30 s 440 Hz WebM/Opus tone, and both servers in ALLOWED_PRIVATE_HOSTS (which attachments also use).
   */
  readonly env?: (ctx: SourcesContext & { defaults: Record<string, string> }) => Record<string, string | undefined>;
  /** Node arguments for the bot process (e.g. a test-only `--import` preload such as PLAY_DL_PRELOAD). */
  readonly nodeArgs?: string[];
}

/** The `--import` preload that answers Spotify links from test/fixtures/spotify/ (see its header); tests only. */
export const PLAY_DL_PRELOAD = ['--enable-source-maps', '--import', './test/fixtures/sources/play-dl-preload.mjs'];

export interface SourcesStack extends SourcesContext {
  readonly discord: OfflineDiscord;
  readonly bot: BotProcess;
  readonly guildId: string;
  readonly music: string;
  readonly textChannelId: string;
  readonly users: { readonly alice: string; readonly bob: string; readonly carol: string };
  join(userId: string, channelId?: string, guildId?: string): void;
  command(
    userId: string,
    name: string,
    options?: OptionShorthand,
    extra?: { guildId?: string; attachments?: AttachmentSpec[] },
  ): InteractionHandle;
  /** Sends a command and returns the text of its first reply (the deferred reply's edit). */
  ask(
    userId: string,
    name: string,
    options?: OptionShorthand,
    extra?: { guildId?: string; timeoutMs?: number; attachments?: AttachmentSpec[] },
  ): Promise<string>;
  close(): Promise<void>;
}

export const DEFAULT_TONE = { hz: 440, seconds: 30, format: 'webm' } as const;

export async function startSourcesStack(options: SourcesStackOptions = {}): Promise<SourcesStack> {
  const discord = await startOfflineDiscord();
  const media = await startMediaServer();
  const files = new FileServer();
  await files.listen();
  const dir = mkdtempSync(join(tmpdir(), 'tunebot-sources-'));
  const ytdlp = new FakeYtDlp(dir);
  const ctx: SourcesContext = { media, files, ytdlp, dir };
  const defaults = {
    ...ytdlp.env(await media.tone(DEFAULT_TONE)),
    ALLOWED_PRIVATE_HOSTS: `${media.host},${files.host}`,
  };
  const env = options.env ? options.env({ ...ctx, defaults }) : defaults;
  // SOURCES_E2E_ENTRY runs another build of the bot (relative to the repo root), e.g. a patched copy.
  const entry = process.env.SOURCES_E2E_ENTRY;
  const bot = startBot(discord, {
    ...(entry ? { entry } : {}),
    ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
    mediaHost: media.host,
    dataDir: join(dir, 'data'),
    env,
    echo: process.env.E2E_ECHO === '1',
  });
  await bot.waitUntilReady();
  const guildId = discord.guild.id;
  const world = discord.world;
  const user = (name: string) => world.userByName(name)?.id ?? '';
  const stack: SourcesStack = {
    ...ctx,
    discord,
    bot,
    guildId,
    music: world.voiceChannel(guildId, 'Music').id,
    textChannelId: world.textChannel(guildId, 'general').id,
    users: { alice: user('alice'), bob: user('bob'), carol: user('carol') },
    join: (userId, channelId, g = guildId) =>
      discord.setUserVoiceChannel(g, userId, channelId ?? world.voiceChannel(g, 'Music').id),
    command: (userId, name, opts, extra = {}) =>
      discord.sendCommand({
        guildId: extra.guildId ?? guildId,
        userId,
        name,
        ...(opts ? { options: opts } : {}),
        ...(extra.attachments ? { attachments: extra.attachments } : {}),
      }),
    async ask(userId, name, opts, extra = {}) {
      const handle = stack.command(userId, name, opts, extra);
      return (await handle.reply(undefined, extra.timeoutMs ?? 20_000)).content ?? '';
    },
    async close() {
      await discord.close();
      await media.close();
      await files.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return stack;
}

// ---------------------------------------------------------------------------------------------------------
// Media files and audio analysis
// ---------------------------------------------------------------------------------------------------------

const CODECS = {
  webm: ['-c:a', 'libopus', '-b:a', '96k', '-f', 'webm'],
  ogg: ['-c:a', 'libopus', '-b:a', '96k', '-f', 'ogg'],
} as const;

/**
 * A "staircase": `steps` one-second sine tones, one frequency each, WebM or Ogg Opus (cached per machine
 * beside the media server's tones). Hearing which step plays tells where in the track playback is.
 */
export async function staircaseFile(steps: readonly number[], format: 'webm' | 'ogg' = 'webm'): Promise<string> {
  const file = join(TONE_CACHE_DIR, `staircase-${steps.join('_')}.${format}`);
  if (existsSync(file)) return file;
  mkdirSync(TONE_CACHE_DIR, { recursive: true });
  const inputs = steps.flatMap((hz) => ['-f', 'lavfi', '-i', `sine=frequency=${hz}:sample_rate=48000:duration=1`]);
  const partial = `${file}.${process.pid}.partial`;
  await run('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    ...inputs,
    '-filter_complex',
    `${steps.map((_, i) => `[${i}:a]`).join('')}concat=n=${steps.length}:v=0:a=1[out]`,
    '-map',
    '[out]',
    '-ac',
    '2',
    '-ar',
    '48000',
    ...CODECS[format],
    partial,
  ]);
  renameSync(partial, file);
  return file;
}

/** A tagged Ogg/Opus tone written to `path` (for MEDIA_DIR): the title/artist are what a `local:` search finds. */
export async function taggedTone(
  path: string,
  spec: { hz: number; seconds: number; title: string; artist: string },
): Promise<void> {
  await run('ffmpeg', [
    ...toneInputArgs(spec.hz, spec.seconds),
    '-metadata',
    `title=${spec.title}`,
    '-metadata',
    `artist=${spec.artist}`,
    ...CODECS.ogg,
    path,
  ]);
}

/** Which of `candidates` (Hz) dominates one 20 ms packet (null without decoded audio). Needs ≥ 150 Hz spacing. */
export function loudestOf(packet: ReceivedPacket, candidates: readonly number[]): number | null {
  if (!packet.pcm || !packet.audible) return null;
  const mono = toMono(packet.pcm);
  let best: number | null = null;
  let bestPower = -1;
  for (const hz of candidates) {
    const power = goertzelPower(mono, 48_000, hz);
    if (power > bestPower) [best, bestPower] = [hz, power];
  }
  return best;
}

/** The most common answer of `loudestOf` over `packets`. */
export function mostlyOf(packets: readonly ReceivedPacket[], candidates: readonly number[]): number | null {
  const votes = new Map<number, number>();
  for (const p of packets) {
    const hz = loudestOf(p, candidates);
    if (hz !== null) votes.set(hz, (votes.get(hz) ?? 0) + 1);
  }
  return [...votes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}

/** The longest pause between consecutive audible packets: the packets on either side and the pause length. */
export function longestPause(audible: readonly ReceivedPacket[]): { before: number; after: number; ms: number } | null {
  let found: { before: number; after: number; ms: number } | null = null;
  for (let i = 1; i < audible.length; i++) {
    const ms = audible[i]!.arrivalMs - audible[i - 1]!.arrivalMs;
    if (!found || ms > found.ms) found = { before: i - 1, after: i, ms };
  }
  return found;
}

/** Polls `check` until it returns a value (or throws after `timeoutMs`). */
export async function eventually<T>(
  check: () => T | undefined | null | false,
  timeoutMs = 10_000,
  what = 'a condition',
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
