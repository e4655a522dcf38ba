import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { IcyInjector } from './media-icy.js';

const run = promisify(execFile);

export type ToneFormat = 'ogg' | 'webm' | 'mp3' | 'm4a' | 'flac' | 'wav';

/** A sine tone: `hz` for `seconds`, stereo 48 kHz, amplitude 1/8 (ffmpeg's lavfi default). */
export interface ToneSpec {
  hz: number;
  seconds: number;
  format: ToneFormat;
  /** Peak level in dBFS (e.g. -30), identical in both channels; absent: lavfi's sine (amplitude 1/8, -18 dBFS). */
  db?: number;
}

export const TONE_CACHE_DIR = join(tmpdir(), 'offline-discord-media-v1');

const CONTENT_TYPES: Record<ToneFormat, string> = {
  ogg: 'audio/ogg',
  webm: 'audio/webm',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  flac: 'audio/flac',
  wav: 'audio/wav',
};
const CODEC_ARGS: Record<ToneFormat, string[]> = {
  ogg: ['-c:a', 'libopus', '-b:a', '96k', '-f', 'ogg'],
  webm: ['-c:a', 'libopus', '-b:a', '96k', '-f', 'webm'],
  mp3: ['-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3'],
  m4a: ['-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', '-f', 'mp4'],
  flac: ['-c:a', 'flac', '-f', 'flac'],
  wav: ['-c:a', 'pcm_s16le', '-f', 'wav'],
};

/**
 * ffmpeg's arguments up to the codec: a generated `hz` sine of `seconds`, 48 kHz stereo (at `db` dBFS in both
 * channels when given, else ffmpeg's default level). Shared by every test that makes tone files.
 */
export function toneInputArgs(hz: number, seconds: number, db?: number): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    db === undefined
      ? `sine=frequency=${hz}:sample_rate=48000:duration=${seconds}`
      : // Two expressions, two channels: upmixing a mono source would lower each channel by 3 dB.
        `aevalsrc=${10 ** (db / 20)}*sin(2*PI*${hz}*t)|${10 ** (db / 20)}*sin(2*PI*${hz}*t):s=48000:d=${seconds}`,
    '-ac',
    '2',
    '-ar',
    '48000',
  ];
}

/** Generates (once per machine; cached in TONE_CACHE_DIR) a tone file with ffmpeg and returns its path. */
export async function toneFile(spec: ToneSpec): Promise<string> {
  const file = join(TONE_CACHE_DIR, `tone-${toneName(spec)}`);
  if (existsSync(file)) return file;
  mkdirSync(TONE_CACHE_DIR, { recursive: true });
  const partial = `${file}.${randomBytes(4).toString('hex')}.partial`;
  await run('ffmpeg', [...toneInputArgs(spec.hz, spec.seconds, spec.db), ...CODEC_ARGS[spec.format], partial]);
  renameSync(partial, file);
  return file;
}

/** One request the media server answered. */
export interface MediaRequest {
  path: string;
  at: number;
  headers: IncomingMessage['headers'];
}

/**
 * HTTP media for tests on 127.0.0.1: tones in every format and broken or hostile inputs (HTML, empty,
 * random bytes, truncated, redirect, stalled, slow, endless radio with ICY). Counts requests per path.
 */
export class MediaServer {
  readonly requests: MediaRequest[] = [];
  private readonly server: Server;
  private readonly children = new Set<ChildProcess>();

  constructor() {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(error));
      });
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  /** `127.0.0.1:PORT`, for the bot's ALLOWED_PRIVATE_HOSTS. */
  get host(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  url(path: string): string {
    return `http://${this.host}${path}`;
  }

  /** URL of a tone file (generated on first use). */
  async tone(spec: ToneSpec): Promise<string> {
    await toneFile(spec);
    return this.url(`/tone/${toneName(spec)}`);
  }

  /** The first `fraction` of a tone file, served as if complete (Content-Length of the cut). */
  async truncated(spec: ToneSpec, fraction = 0.3): Promise<string> {
    await toneFile(spec);
    return this.url(`/truncated/${toneName(spec)}?fraction=${fraction}`);
  }

  /** Sends headers (full Content-Length) and `afterBytes` of a tone, then stalls until the client gives up. */
  async stall(spec: ToneSpec, afterBytes = 16_384): Promise<string> {
    await toneFile(spec);
    return this.url(`/stall/${toneName(spec)}?after=${afterBytes}`);
  }

  /** A tone dripped at `bytesPerSecond`. */
  async slow(spec: ToneSpec, bytesPerSecond: number): Promise<string> {
    await toneFile(spec);
    return this.url(`/slow/${toneName(spec)}?bps=${bytesPerSecond}`);
  }

  /** An endless live stream (like internet radio), encoded in real time; ICY headers/metadata optional. */
  endless(options: { hz: number; format?: 'mp3' | 'ogg'; icy?: boolean; metaint?: number }): string {
    const query = options.icy ? `?icy=1&metaint=${options.metaint ?? 16_000}` : '';
    return this.url(`/stream/${options.hz}.${options.format ?? 'mp3'}${query}`);
  }

  html(): string {
    return this.url('/html');
  }

  empty(): string {
    return this.url('/empty');
  }

  random(bytes = 65_536): string {
    return this.url(`/random?bytes=${bytes}`);
  }

  redirect(to: string, status = 302): string {
    return this.url(`/redirect?status=${status}&to=${encodeURIComponent(to)}`);
  }

  /** Any status code, e.g. 404 or 403, with an HTML body. */
  status(code: number): string {
    return this.url(`/status/${code}`);
  }

  /** How many requests a path (or full URL from this server) received; query strings are ignored. */
  hits(pathOrUrl: string): number {
    const path = pathOrUrl.startsWith('http') ? new URL(pathOrUrl).pathname : pathOrUrl.split('?')[0]!;
    return this.requests.filter((r) => r.path === path).length;
  }

  async close(): Promise<void> {
    for (const child of this.children) child.kill('SIGKILL');
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    this.requests.push({ path: url.pathname, at: performance.now(), headers: req.headers });
    const [, kind, name] = url.pathname.split('/');
    const q = url.searchParams;
    if (kind === 'html')
      return void sendBody(
        res,
        200,
        'text/html; charset=utf-8',
        Buffer.from('<!doctype html><html><body><h1>Not audio</h1></body></html>'),
      );
    if (kind === 'empty') return void sendBody(res, 200, 'audio/mpeg', Buffer.alloc(0));
    if (kind === 'random') return void sendBody(res, 200, 'audio/mpeg', randomBytes(Number(q.get('bytes') ?? 65_536)));
    if (kind === 'status') return void sendBody(res, Number(name), 'text/html', Buffer.from(`<h1>${name}</h1>`));
    if (kind === 'redirect') {
      res.writeHead(Number(q.get('status') ?? 302), { location: q.get('to') ?? '/' });
      return void res.end();
    }
    if (kind === 'stream' && name) return this.stream(req, res, name, q);
    const spec = name ? parseToneName(name) : undefined;
    if (!spec) return void sendBody(res, 404, 'text/plain', Buffer.from('not found'));
    const file = readFileSync(await toneFile(spec));
    const type = CONTENT_TYPES[spec.format];
    if (kind === 'tone') return void sendRange(req, res, type, file);
    if (kind === 'truncated')
      return void sendBody(
        res,
        200,
        type,
        file.subarray(0, Math.floor(file.length * Number(q.get('fraction') ?? 0.3))),
      );
    if (kind === 'stall') {
      res.writeHead(200, { 'content-type': type, 'content-length': file.length });
      return void res.write(file.subarray(0, Number(q.get('after') ?? 16_384)));
    }
    if (kind === 'slow') return this.drip(res, type, file, Number(q.get('bps') ?? 8000));
    sendBody(res, 404, 'text/plain', Buffer.from('not found'));
  }

  private async drip(res: ServerResponse, type: string, file: Buffer, bytesPerSecond: number): Promise<void> {
    res.writeHead(200, { 'content-type': type, 'content-length': file.length });
    const chunk = Math.max(1, Math.floor(bytesPerSecond / 10));
    for (let offset = 0; offset < file.length && !res.destroyed; offset += chunk) {
      res.write(file.subarray(offset, offset + chunk));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    res.end();
  }

  private stream(req: IncomingMessage, res: ServerResponse, name: string, q: URLSearchParams): void {
    const [hz, format] = name.split('.');
    const codec =
      format === 'ogg'
        ? ['-c:a', 'libopus', '-b:a', '96k', '-f', 'ogg']
        : ['-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3'];
    const child = spawn(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-re',
        '-f',
        'lavfi',
        '-i',
        `sine=frequency=${hz}:sample_rate=48000`,
        '-ac',
        '2',
        ...codec,
        'pipe:1',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    const headers: Record<string, string> = {
      'content-type': format === 'ogg' ? 'audio/ogg' : 'audio/mpeg',
      'cache-control': 'no-cache',
    };
    const wantsMeta = q.get('icy') === '1' && req.headers['icy-metadata'] === '1';
    if (q.get('icy') === '1')
      Object.assign(headers, { 'icy-name': 'Offline Radio', 'icy-genre': 'Test tones', 'icy-br': '128' });
    if (wantsMeta) headers['icy-metaint'] = q.get('metaint') ?? '16000';
    res.writeHead(200, headers);
    const source = wantsMeta
      ? child.stdout.pipe(new IcyInjector(Number(headers['icy-metaint']), `Tone ${hz} Hz`))
      : child.stdout;
    source.pipe(res);
    res.on('close', () => child.kill('SIGKILL'));
  }
}

/** Starts a media server on a random loopback port. */
export async function startMediaServer(): Promise<MediaServer> {
  const server = new MediaServer();
  await server.listen();
  return server;
}

function toneName(spec: ToneSpec): string {
  return `${spec.hz}-${spec.seconds}${spec.db === undefined ? '' : `_${spec.db}dB`}.${spec.format}`;
}

function parseToneName(name: string): ToneSpec | undefined {
  const m = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)(?:_(-?\d+(?:\.\d+)?)dB)?\.(ogg|webm|mp3|m4a|flac|wav)$/.exec(name);
  if (!m) return undefined;
  return {
    hz: Number(m[1]),
    seconds: Number(m[2]),
    format: m[4] as ToneFormat,
    ...(m[3] !== undefined ? { db: Number(m[3]) } : {}),
  };
}

function sendBody(res: ServerResponse, status: number, type: string, body: Buffer): void {
  res.writeHead(status, { 'content-type': type, 'content-length': body.length });
  res.end(body);
}

/** Serves a file with single-range support (ffmpeg seeks in MP4/WebM inputs). */
function sendRange(req: IncomingMessage, res: ServerResponse, type: string, file: Buffer): void {
  const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  if (!m) {
    res.writeHead(200, { 'content-type': type, 'content-length': file.length, 'accept-ranges': 'bytes' });
    return void res.end(file);
  }
  const start = m[1] ? Number(m[1]) : Math.max(0, file.length - Number(m[2]));
  const end = m[1] && m[2] ? Math.min(Number(m[2]), file.length - 1) : file.length - 1;
  if (start >= file.length || start > end) {
    res.writeHead(416, { 'content-range': `bytes */${file.length}` });
    return void res.end();
  }
  res.writeHead(206, {
    'content-type': type,
    'content-length': end - start + 1,
    'content-range': `bytes ${start}-${end}/${file.length}`,
    'accept-ranges': 'bytes',
  });
  res.end(file.subarray(start, end + 1));
}
