import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, toneFile } from '../offline-discord/index.js';

/**
 * Support for the hostile-member suite: an HTTP server that serves what a hostile member would link to
 * (huge HLS master and media lists, storms of failing playlist entries, oversized XSPF, markup in ICY names),
 * a yt-dlp wrapper that records the environment and arguments it was started with, and the outside
 * measurements every case is judged by (audio gaps in the listening guild, acknowledgement latency, bot RSS).
 */

// ---------------------------------------------------------------------------------------------------------
// Hostile bodies. Each builder is cheap for the test process: bodies are built once and cached.
// ---------------------------------------------------------------------------------------------------------

export class HostileServer {
  private readonly server: Server;
  private readonly bodies = new Map<string, { body: Buffer; type: string; headers?: Record<string, string> }>();
  private readonly counts = new Map<string, number>();

  constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  get host(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  url(path: string): string {
    return `http://${this.host}${path}`;
  }

  hits(path: string): number {
    return this.counts.get(path) ?? 0;
  }

  /** Serves `body` at `path` (built lazily once). */
  serve(path: string, type: string, build: () => string | Buffer, headers?: Record<string, string>): string {
    if (!this.bodies.has(path)) {
      const built = build();
      this.bodies.set(path, {
        body: Buffer.isBuffer(built) ? built : Buffer.from(built),
        type,
        ...(headers ? { headers } : {}),
      });
    }
    return this.url(path);
  }

  /** An Ogg tone with the given ICY station name (the title untrusted text comes from). */
  async icyTone(path: string, icyName: string, hz: number, seconds: number): Promise<string> {
    const file = await toneFile({ hz, seconds, format: 'ogg' });
    return this.serve(path, 'audio/ogg', () => readFileSync(file), { 'icy-name': icyName });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    this.counts.set(path, (this.counts.get(path) ?? 0) + 1);
    if (path === '/hang') return; // accepts, never answers: a timeout
    const entry = this.bodies.get(path);
    if (!entry) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    res.writeHead(200, { 'content-type': entry.type, 'content-length': entry.body.length, ...entry.headers });
    res.end(entry.body);
  }

  /** `#EXT-X-STREAM-INF` × `variants` (the quadratic master scan), all naming one small media list. */
  hlsMaster(path: string, variants: number, mediaPath: string): string {
    return this.serve(path, 'application/vnd.apple.mpegurl', () => {
      const lines = ['#EXTM3U'];
      for (let i = 0; i < variants; i += 1) lines.push(`#EXT-X-STREAM-INF:BANDWIDTH=${1000 + (i % 997)}`, mediaPath);
      return `${lines.join('\n')}\n`;
    });
  }

  /** A media list of `segments` one-byte segment lines (`a`, a 404 here); live unless `ended`. */
  hlsMedia(path: string, segments: number, options: { ended?: boolean; tail?: readonly string[] } = {}): string {
    return this.serve(path, 'application/vnd.apple.mpegurl', () => {
      const head = '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n';
      const tail = (options.tail ?? []).map((u) => `#EXTINF:1,\n${u}\n`).join('');
      return `${head}${'a\n'.repeat(segments)}${tail}${options.ended ? '#EXT-X-ENDLIST\n' : ''}`;
    });
  }

  /** A small VOD media list of one real segment (what a master's variants name). */
  hlsOneSegment(path: string, segmentUrl: string): string {
    return this.serve(
      path,
      'application/vnd.apple.mpegurl',
      () => `#EXTM3U\n#EXT-X-TARGETDURATION:30\n#EXTINF:20,\n${segmentUrl}\n#EXT-X-ENDLIST\n`,
    );
  }

  m3u(path: string, urls: readonly string[], titles?: (i: number) => string): string {
    return this.serve(path, 'audio/x-mpegurl', () =>
      ['#EXTM3U', ...urls.flatMap((u, i) => [`#EXTINF:20,${titles ? titles(i) : `Entry ${i}`}`, u])].join('\n'),
    );
  }

  xspf(path: string, tracks: readonly { location: string; creator?: string; title?: string }[]): string {
    return this.serve(path, 'application/xspf+xml', () => {
      const body = tracks
        .map(
          (t) =>
            `<track><location>${t.location}</location><title>${t.title ?? 'x'}</title><creator>${t.creator ?? ''}</creator><duration>20000</duration></track>`,
        )
        .join('');
      return `<?xml version="1.0"?><playlist version="1" xmlns="http://xspf.org/ns/0/"><trackList>${body}</trackList></playlist>`;
    });
  }
}

// ---------------------------------------------------------------------------------------------------------
// A yt-dlp wrapper: records its environment and argv, then runs the fake yt-dlp in its slow mode (searches
// take a while, as real ones do on a small host). The fake's switches are set here, not inherited, so this
// works whatever environment the bot gives its children.
// ---------------------------------------------------------------------------------------------------------

export interface RecordingYtDlp {
  readonly path: string;
  /** Environments seen, one object per run. */
  envs(): Record<string, string>[];
  argvs(): string[][];
}

export function recordingYtDlp(delayMs: number): RecordingYtDlp {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-ytdlp-'));
  const log = join(dir, 'runs.jsonl');
  const script = join(dir, 'yt-dlp.mjs');
  const fake = join(REPO_ROOT, 'test/fixtures/fake-yt-dlp.mjs');
  writeFileSync(
    script,
    `#!${process.execPath}
import { appendFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
appendFileSync(${JSON.stringify(log)}, JSON.stringify({ env: process.env, argv: process.argv.slice(2) }) + '\\n');
const env = { ...process.env, FAKE_YTDLP_MODE: 'slow', FAKE_YTDLP_DELAY_MS: ${JSON.stringify(String(delayMs))} };
const child = spawn(process.execPath, [${JSON.stringify(fake)}, ...process.argv.slice(2)], { env, stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 1));
process.on('SIGTERM', () => child.kill('SIGTERM'));
`,
  );
  chmodSync(script, 0o755);
  const runs = (): { env: Record<string, string>; argv: string[] }[] => {
    try {
      return readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    } catch {
      return [];
    }
  };
  return { path: script, envs: () => runs().map((r) => r.env), argvs: () => runs().map((r) => r.argv) };
}

// ---------------------------------------------------------------------------------------------------------
// Measurements from outside the bot.
// ---------------------------------------------------------------------------------------------------------

/** The bot's resident set size in bytes (Linux /proc). */
export function rssBytes(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples a value every `everyMs` until stopped; `max()` is the peak seen. */
export class Sampler {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(read: () => number, everyMs = 100) {
    this.peak = read();
    this.timer = setInterval(() => (this.peak = Math.max(this.peak, read())), everyMs);
  }

  stop(): number {
    clearInterval(this.timer);
    return this.peak;
  }
}

/**
 * Longest silence inside [from, to]: between consecutive packets, and from `from` to the first packet (a
 * silence that began just before the window is counted from the window's start).
 */
export function worstGap(packets: readonly { arrivalMs: number }[], from: number, to: number): number {
  let worst = 0;
  let last = from;
  for (const p of packets) {
    if (p.arrivalMs < from || p.arrivalMs > to) continue;
    worst = Math.max(worst, p.arrivalMs - last);
    last = p.arrivalMs;
  }
  return Math.max(worst, to - last);
}

export interface CaseFigures {
  readonly name: string;
  readonly worstGapMs: number;
  readonly worstAckMs: number;
  readonly rssGrowthMb: number;
  readonly messages: number;
  readonly alive: boolean;
  readonly queueIntact: boolean;
}

/** Appends one case's figures to `.tmp/hostile-figures.jsonl` (label from HOSTILE_LABEL: before/after). */
export function recordCase(figures: CaseFigures): void {
  const dir = join(process.cwd(), '.tmp');
  mkdirSync(dir, { recursive: true });
  const label = process.env.HOSTILE_LABEL ?? 'run';
  appendFileSync(
    join(dir, 'hostile-figures.jsonl'),
    `${JSON.stringify({ label, ...figures, at: new Date().toISOString() })}\n`,
  );
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
