import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync, crc32 } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { buckets, renderFrameChart, sparkline } from '../../../src/ops/frame-chart.js';
import { Metrics } from '../../../src/ops/metrics.js';
import { encodePng } from '../../../src/ops/png.js';
import { ProcessSampler } from '../../../src/ops/process-sampler.js';
import { shardLabel } from '../../../src/ops/shard-config.js';
import { FrameHistory } from '../../../src/ops/status-history.js';
import { childEnvFrom } from '../../../src/core/child-env.js';
import { FakeClock } from '../../support/fake-clock.js';

async function value(m: Metrics, series: string): Promise<number | undefined> {
  const { body } = await m.render();
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Reads a PNG's chunks back (length, type, data, CRC checked). */
function chunks(png: Buffer): { type: string; data: Buffer }[] {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const out: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString('ascii');
    const data = png.subarray(at + 8, at + 8 + length);
    expect(png.readUInt32BE(at + 8 + length)).toBe(crc32(png.subarray(at + 4, at + 8 + length)) >>> 0);
    out.push({ type, data });
    at += 12 + length;
  }
  return out;
}

describe('encodePng', () => {
  it('writes a valid palette PNG whose scanlines decode to the pixels given', () => {
    const pixels = Uint8Array.from([0, 1, 2, 1, 0, 1]);
    const png = encodePng({
      width: 3,
      height: 2,
      palette: [
        [0, 0, 0],
        [255, 0, 0],
        [0, 255, 0],
      ],
      pixels,
    });
    const parts = chunks(png);
    expect(parts.map((c) => c.type)).toEqual(['IHDR', 'PLTE', 'IDAT', 'IEND']);
    const ihdr = parts[0]!.data;
    expect([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ihdr[8], ihdr[9]]).toEqual([3, 2, 8, 3]);
    expect([...parts[1]!.data]).toEqual([0, 0, 0, 255, 0, 0, 0, 255, 0]);
    expect([...inflateSync(parts[2]!.data)]).toEqual([0, 0, 1, 2, 0, 1, 0, 1]);
  });

  it('refuses sizes that do not match', () => {
    expect(() => encodePng({ width: 2, height: 2, palette: [[0, 0, 0]], pixels: new Uint8Array(3) })).toThrow(
      RangeError,
    );
  });
});

describe('renderFrameChart', () => {
  it('is a small 240×64 image with green for frames and red for the deficit', () => {
    const samples = Array.from({ length: 60 }, (_, i) => ({
      at: i,
      sent: 3000,
      late: i === 59 ? 150 : 0,
      missing: 0,
      cpuSeconds: 1,
    }));
    const png = renderFrameChart(samples);
    expect(png.length).toBeLessThan(2048);
    const [ihdr, , idat] = chunks(png);
    expect([ihdr!.data.readUInt32BE(0), ihdr!.data.readUInt32BE(4)]).toEqual([240, 64]);
    const raw = inflateSync(idat!.data);
    const row = (y: number) => raw.subarray(y * 241 + 1, (y + 1) * 241);
    expect(row(10)[0]).toBe(2); // a full-height green bar in the first minute
    expect(row(63)[0]).toBe(1); // no deficit in the first minute: grey baseline
    expect(row(63)[59 * 4]).toBe(3); // the last minute's 4.8 % deficit is red
  });

  it('sparkline scales to the largest value; buckets sum groups', () => {
    expect(sparkline([0, 1, 2, 4])).toBe('▁▃▅█');
    expect(sparkline([0, 0])).toBe('▁▁');
    expect(buckets([1, 2, 3, 4, 5], 2)).toEqual([3, 7, 5]);
  });
});

describe('FrameHistory', () => {
  it('keeps one sample per interval of the counters’ differences, at most `capacity`, and sums a window', async () => {
    const clock = new FakeClock();
    const totals = { sent: 0, late: 0, missing: 0 };
    let cpu = 0;
    const history = new FrameHistory({
      clock,
      totals: () => ({ ...totals }),
      cpuSeconds: () => cpu,
      capacity: 3,
      intervalMs: 60_000,
    });
    history.start();
    for (let minute = 1; minute <= 5; minute++) {
      totals.sent += 3000;
      totals.late += minute;
      cpu += 0.5;
      await clock.advance(60_000);
    }
    const samples = history.samples();
    expect(samples.map((s) => s.late)).toEqual([3, 4, 5]);
    expect(samples.every((s) => s.sent === 3000 && s.cpuSeconds === 0.5)).toBe(true);
    totals.sent += 1000; // the minute in progress counts too
    const window = history.window(2 * 60_000);
    expect(window.sent).toBe(7000);
    expect(window.late).toBe(9);
    expect(window.spanMs).toBe(120_000);
    history.stop();
    expect(clock.pending()).toBe(0);
  });
});

describe('Metrics (owner families)', () => {
  it('starts the deficit, child and health series at known values so dashboards see them at once', async () => {
    const m = new Metrics({ defaultMetrics: false, childProcesses: true });
    expect(await value(m, 'tunebot_voice_frames_deficit_total{reason="late"}')).toBe(0);
    expect(await value(m, 'tunebot_voice_frames_deficit_total{reason="missing"}')).toBe(0);
    expect(await value(m, 'tunebot_child_processes{kind="ffmpeg"}')).toBe(0);
    expect(await value(m, 'tunebot_ready')).toBe(0);
    m.sampleHealth(() => ({ ready: true, storeHealthy: false }));
    expect(await value(m, 'tunebot_ready')).toBe(1);
    expect(await value(m, 'tunebot_store_healthy')).toBe(0);
    m.setSourceHealth('youtube', false);
    expect(await value(m, 'tunebot_source_health{source="youtube"}')).toBe(0);
    expect(m.sourceHealth()).toEqual({ youtube: false });
  });

  it('counts ratings in a 1-5 histogram and keeps frame totals for the history', async () => {
    const m = new Metrics({ defaultMetrics: false, childProcesses: false });
    m.observeRating(5);
    m.observeRating(2);
    expect(await value(m, 'tunebot_feedback_rating_count')).toBe(2);
    expect(await value(m, 'tunebot_feedback_rating_sum')).toBe(7);
    expect(await value(m, 'tunebot_feedback_rating_bucket{le="2"}')).toBe(1);
    m.recordFrames('g', 240, 250, 4);
    expect(m.frameTotals()).toEqual({ sent: 240, late: 6, missing: 4 });
  });

  it('labels every series with the shard when sharded', async () => {
    const m = new Metrics({ defaultMetrics: false, childProcesses: false, defaultLabels: { shard: '1' } });
    m.setBuildInfo('9.9.9');
    const { body } = await m.render();
    expect(body).toMatch(/^tunebot_build_info\{version="9\.9\.9",node="[\d.]+",shard="1"\} 1$/m);
    expect(body).toMatch(/^tunebot_ready\{shard="1"\} 0$/m);
    expect(shardLabel({ SHARDING_MANAGER: 'true', SHARDS: '[1]' })).toBe('1');
    expect(shardLabel({ SHARDING_MANAGER: 'true', SHARDS: '[0,2]' })).toBe('0,2');
    expect(shardLabel({ SHARDS: 'auto' })).toBeUndefined();
  });
});

describe('ProcessSampler', () => {
  let root = '';
  afterEach(() => root && rmSync(root, { recursive: true, force: true }));

  const proc = (pid: number, ppid: number, cmd: string[], ticks: number, rssKb: number, start = 100) => {
    mkdirSync(join(root, String(pid)), { recursive: true });
    // Fields after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime … starttime
    const after = ['S', ppid, pid, pid, 0, -1, 0, 0, 0, 0, 0, ticks, 0, 0, 0, 20, 0, 1, 0, start];
    writeFileSync(join(root, String(pid), 'stat'), `${pid} (${cmd[0]!.slice(0, 15)} x) ${after.join(' ')} 0 0\n`);
    writeFileSync(join(root, String(pid), 'cmdline'), `${cmd.join('\0')}\0`);
    writeFileSync(join(root, String(pid), 'status'), `Name:\tx\nVmRSS:\t  ${rssKb} kB\n`);
  };

  it('counts children by kind, grandchildren with their parent, and keeps the CPU of exited ones', () => {
    root = mkdtempSync(join(tmpdir(), 'tunebot-proc-'));
    proc(10, 1, ['node', 'dist/main.js'], 500, 100_000);
    proc(11, 10, ['/usr/bin/ffmpeg', '-i', 'pipe:0'], 200, 20_000);
    proc(12, 10, ['/usr/bin/python3', '/usr/local/bin/yt-dlp', '-J'], 100, 30_000);
    proc(13, 12, ['node', '--eval', 'solver'], 50, 40_000); // yt-dlp's JS runtime
    proc(14, 1, ['/usr/bin/ffmpeg'], 999, 1); // not ours
    const sampler = new ProcessSampler({ procRoot: root, rootPid: 10 });
    const first = sampler.sample();
    expect(first.get('ffmpeg')).toEqual({ processes: 1, residentBytes: 20_000 * 1024, cpuSeconds: 2 });
    expect(first.get('ytdlp')).toEqual({ processes: 2, residentBytes: 70_000 * 1024, cpuSeconds: 1.5 });
    rmSync(join(root, '11'), { recursive: true });
    proc(15, 10, ['ffmpeg'], 10, 5_000, 200);
    const second = sampler.sample();
    expect(second.get('ffmpeg')).toEqual({ processes: 1, residentBytes: 5_000 * 1024, cpuSeconds: 2.1 });
  });

  it('reads nothing (zeros) where there is no /proc', () => {
    const sample = new ProcessSampler({ procRoot: '/nonexistent-proc', rootPid: 1 }).sample();
    expect(sample.get('ffmpeg')).toEqual({ processes: 0, residentBytes: 0, cpuSeconds: 0 });
  });
});

it('the /status yt-dlp probe and the CLIs give children only the allow-list and CHILD_ENV_PASSTHROUGH', () => {
  expect(
    childEnvFrom({
      PATH: '/bin',
      HOME: '/h',
      DISCORD_TOKEN: 'x',
      SPOTIFY_CLIENT_SECRET: 'y',
      STORE_URL: 'redis://u:p@h',
      DISCORD_API_URL: 'http://127.0.0.1:1',
      CHILD_ENV_PASSTHROUGH: 'PIP_INDEX_URL, FAKE_*',
      PIP_INDEX_URL: 'https://mirror.example/simple',
      FAKE_MODE: 'slow',
    }),
  ).toEqual({ PATH: '/bin', HOME: '/h', PIP_INDEX_URL: 'https://mirror.example/simple', FAKE_MODE: 'slow' });
});
