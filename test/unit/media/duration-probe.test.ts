import { execFile } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Track } from '../../../src/core/track.js';
import { contentLengthOf, TAIL_BUDGET_MS } from '../../../src/media/duration-probe.js';
import { systemClock } from '../../../src/ports/clock.js';
import { HttpSource } from '../../../src/sources/http/http-source.js';
import { drain, LoopbackServer, loopbackPolicy } from '../sources/loopback-server.js';

/**
 * The HTTP source fills `durationMs` when it resolves a direct file: from the head for most containers, and
 * for Ogg from one ranged GET of the file's end, only when the origin offers ranges, bounded in time, and
 * never at the cost of the track (or of the response kept for playback).
 */
const run = promisify(execFile);
let server: LoopbackServer;
let ogg: Buffer;
let vorbis: Buffer;
let mp3: Buffer;

async function encode(codec: string[]): Promise<Buffer> {
  const input = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000:duration=7',
    '-ac',
    '2',
  ];
  const { stdout } = await run('ffmpeg', [...input, ...codec, 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 24 });
  return stdout;
}

/** Serves `file` with `bytes=-N` / `bytes=S-E` support; `onRange` decides what a ranged request gets instead. */
function serve(file: Buffer, type: string, options: { ranges?: boolean; onRange?: 'ignore' | 'hang' } = {}) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const ranges = options.ranges ?? true;
    const base = { 'content-type': type, ...(ranges ? { 'accept-ranges': 'bytes' } : {}) };
    const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (options.onRange === 'hang' && m) return;
    if (!m || !ranges || options.onRange === 'ignore')
      return void res.writeHead(200, { ...base, 'content-length': file.length }).end(file);
    const start = m[1] ? Number(m[1]) : Math.max(0, file.length - Number(m[2]));
    const end = m[1] && m[2] ? Math.min(Number(m[2]), file.length - 1) : file.length - 1;
    res.writeHead(206, {
      ...base,
      'content-length': end - start + 1,
      'content-range': `bytes ${start}-${end}/${file.length}`,
    });
    res.end(file.subarray(start, end + 1));
  };
}

beforeAll(async () => {
  [ogg, vorbis, mp3] = await Promise.all([
    encode(['-c:a', 'libopus', '-b:a', '96k', '-f', 'ogg']),
    encode(['-c:a', 'libvorbis', '-f', 'ogg']),
    encode(['-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3']),
  ]);
  server = await new LoopbackServer().start();
  server
    .route('/ranged.ogg', serve(ogg, 'audio/ogg'))
    .route('/vorbis.ogg', serve(vorbis, 'audio/ogg'))
    .route('/no-ranges.ogg', serve(ogg, 'audio/ogg', { ranges: false }))
    .route('/ignores-range.ogg', serve(ogg, 'audio/ogg', { onRange: 'ignore' }))
    .route('/hangs-on-range.ogg', serve(ogg, 'audio/ogg', { onRange: 'hang' }))
    .route('/tone.mp3', serve(mp3, 'audio/mpeg'))
    .route(
      '/radio.ogg',
      (_req, res) =>
        void res
          .writeHead(200, {
            'content-type': 'audio/ogg',
            'icy-name': 'Radio',
            'accept-ranges': 'bytes',
            'content-length': ogg.length,
          })
          .end(ogg),
    );
});

afterAll(async () => {
  await server?.close();
});

const source = (): HttpSource =>
  new HttpSource({ policy: loopbackPolicy(), clock: systemClock, timeoutMs: 5000, maxBytes: 10_000_000 });

async function resolveTrack(http: HttpSource, path: string, signal = new AbortController().signal): Promise<Track> {
  const resolution = await http.resolve({ kind: 'url', url: new URL(server.url(path)) } as never, signal);
  if (resolution.kind !== 'track') throw new Error(`expected a track, got ${resolution.kind}`);
  return resolution.track;
}

const rangeRequests = (path: string): number =>
  server.requests.filter((r) => r.path === path && r.headers.range).length;

describe('HttpSource fills durationMs', () => {
  it('Ogg/Opus and Ogg/Vorbis: from the last page, fetched with one ranged GET', async () => {
    const http = source();
    expect((await resolveTrack(http, '/ranged.ogg')).durationMs).toBe(7000);
    expect((await resolveTrack(http, '/vorbis.ogg')).durationMs).toBe(7000);
    expect(rangeRequests('/ranged.ogg')).toBe(1);
    expect(server.requests.find((r) => r.headers.range)?.headers.range).toBe('bytes=-65536');
  });

  it('still hands the first response to playback: the stream is the whole file, from byte 0', async () => {
    const http = source();
    const track = await resolveTrack(http, '/ranged.ogg');
    const before = server.hits('/ranged.ogg');
    const media = await http.stream(track, { startMs: 0, signal: new AbortController().signal } as never);
    expect((await drain(media.stream)).equals(ogg)).toBe(true);
    expect(server.hits('/ranged.ogg')).toBe(before);
  });

  it('MP3: from the head, with no extra request', async () => {
    const before = server.hits('/tone.mp3');
    // Piped, so no Info tag: the constant-bitrate estimate, which counts the encoder delay and padding too.
    const ms = (await resolveTrack(source(), '/tone.mp3')).durationMs;
    expect(Math.abs((ms ?? 0) - 7000)).toBeLessThanOrEqual(100);
    expect(server.hits('/tone.mp3') - before).toBe(1);
    expect(rangeRequests('/tone.mp3')).toBe(0);
  });

  it('leaves Ogg unknown, without asking, when the origin offers no ranges', async () => {
    expect((await resolveTrack(source(), '/no-ranges.ogg')).durationMs).toBeNull();
    expect(rangeRequests('/no-ranges.ogg')).toBe(0);
  });

  it('leaves Ogg unknown when the origin answers the range with the whole file', async () => {
    expect((await resolveTrack(source(), '/ignores-range.ogg')).durationMs).toBeNull();
  });

  it('gives up on a tail that never comes within the budget, and the track still resolves', async () => {
    const started = performance.now();
    const track = await resolveTrack(source(), '/hangs-on-range.ogg');
    const took = performance.now() - started;
    expect(track.durationMs).toBeNull();
    expect(took).toBeGreaterThanOrEqual(TAIL_BUDGET_MS - 50);
    expect(took).toBeLessThan(TAIL_BUDGET_MS + 1000);
  });

  it('live radio (ICY) stays null and costs no tail request', async () => {
    const track = await resolveTrack(source(), '/radio.ogg');
    expect(track.isLive).toBe(true);
    expect(track.durationMs).toBeNull();
    expect(rangeRequests('/radio.ogg')).toBe(0);
  });

  it('an abort while the tail is in flight rejects resolve promptly', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled')), 200);
    const started = performance.now();
    await expect(resolveTrack(source(), '/hangs-on-range.ogg', controller.signal)).rejects.toThrow('cancelled');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('adds little to resolving on loopback (median of 15, Ogg with tail vs without)', async () => {
    const http = source();
    const time = async (path: string): Promise<number> => {
      const started = performance.now();
      await resolveTrack(http, `${path}`);
      return performance.now() - started;
    };
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const withTail: number[] = [];
    const without: number[] = [];
    for (let i = 0; i < 15; i += 1) {
      withTail.push(await time('/ranged.ogg'));
      without.push(await time('/no-ranges.ogg'));
    }
    const added = median(withTail) - median(without);
    console.log(
      `ogg tail fetch on loopback: resolve ${median(withTail).toFixed(2)} ms vs ${median(without).toFixed(2)} ms (+${added.toFixed(2)} ms)`,
    );
    expect(added).toBeLessThan(100);
  });
});

describe('contentLengthOf', () => {
  it('trusts only a plain, uncompressed byte count', () => {
    expect(contentLengthOf({ 'content-length': '1234' })).toBe(1234);
    expect(contentLengthOf({})).toBeNull();
    expect(contentLengthOf({ 'content-length': '0' })).toBeNull();
    expect(contentLengthOf({ 'content-length': '12abc' })).toBeNull();
    expect(contentLengthOf({ 'content-length': '1234', 'content-encoding': 'gzip' })).toBeNull();
  });
});
