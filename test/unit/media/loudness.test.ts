import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LoudnessCache } from '../../../src/media/loudness-cache.js';
import { measureLoudness, normalizationGain, parseEbur128Summary } from '../../../src/media/loudness.js';
import type { Logger } from '../../../src/ports/logger.js';
import type { Loudness } from '../../../src/ports/loudness.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { track } from '../../support/fake-voice.js';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

const wave = (db: number, hz: number) => `${10 ** (db / 20)}*sin(2*PI*${hz}*t)`;

/** A stereo 440 Hz sine with its peak at `db` dBFS, as Ogg/Opus bytes. */
function sine(db: number, seconds = 3): Buffer {
  return execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    `aevalsrc=${wave(db, 440)}|${wave(db, 440)}:s=48000:d=${seconds}`,
    '-c:a',
    'libopus',
    '-b:a',
    '96k',
    '-f',
    'ogg',
    'pipe:1',
  ]);
}

describe('measureLoudness', () => {
  it('measures integrated loudness and true peak with ebur128 in a child process', async () => {
    // A stereo sine at -30 dBFS peak is -30.7 LUFS (BS.1770: -0.691 + 10·log10(2 · ½·A²)).
    const quiet = await measureLoudness('ffmpeg', Readable.from([sine(-30)]), new AbortController().signal);
    expect(quiet.integratedLufs).toBeCloseTo(-30.7, 0);
    expect(quiet.truePeakDb).toBeGreaterThan(-31);
    expect(quiet.truePeakDb).toBeLessThan(-29);
    const loud = await measureLoudness('ffmpeg', Readable.from([sine(-6)]), new AbortController().signal);
    expect(loud.integratedLufs - quiet.integratedLufs).toBeCloseTo(24, 0);
  });

  it('rejects what is not audio', async () => {
    await expect(
      measureLoudness('ffmpeg', Readable.from([Buffer.from('<html>')]), new AbortController().signal),
    ).rejects.toThrow();
  });
});

describe('parseEbur128Summary and normalizationGain', () => {
  const summary =
    '[Parsed_ebur128_1] Summary:\n\n  Integrated loudness:\n    I:         -30.7 LUFS\n    Threshold: -40.7 LUFS\n\n  True peak:\n    Peak:      -29.9 dBFS\n';

  it('reads the last summary; silence and garbage give nothing', () => {
    expect(parseEbur128Summary(`I: -5.0 LUFS ${summary}`)).toEqual({ integratedLufs: -30.7, truePeakDb: -29.9 });
    expect(parseEbur128Summary(summary.replace('-30.7', '-70.0'))).toBeUndefined();
    expect(parseEbur128Summary('Conversion failed!')).toBeUndefined();
  });

  it('aims at the target, leaves ±1 LU alone and caps boosts', () => {
    const at = (integratedLufs: number, truePeakDb = -10): Loudness => ({ integratedLufs, truePeakDb });
    expect(normalizationGain(at(-30.7), -14)).toBeCloseTo(16.7);
    expect(normalizationGain(at(-6.7), -14)).toBeCloseTo(-7.3);
    expect(normalizationGain(at(-14.9), -14)).toBe(0);
    expect(normalizationGain(at(-13.1), -14)).toBe(0);
    expect(normalizationGain(at(-60), -14)).toBe(20);
  });
});

describe('LoudnessCache', () => {
  it('measures a track once, shares concurrent requests, and answers later lookups from memory and the store', async () => {
    const store = new MemoryStore();
    const analyses: string[] = [];
    const lookups: boolean[] = [];
    const analyze = async (t: { id: string }) => {
      analyses.push(t.id);
      await new Promise((resolve) => setTimeout(resolve, 10));
      return { integratedLufs: -20, truePeakDb: -3 };
    };
    const cache = new LoudnessCache({ store, analyze, logger: silent, onLookup: (hit) => lookups.push(hit) });
    const a = track('A');
    expect(cache.lookup(a)).toBeUndefined();
    const [first, second] = await Promise.all([cache.measure(a), cache.measure(a)]);
    expect(first).toEqual({ integratedLufs: -20, truePeakDb: -3 });
    expect(second).toBe(first);
    expect(cache.lookup(a)).toEqual(first);
    expect(lookups).toEqual([false, true]);
    // A new process (empty memory) finds it in the store: no second analysis.
    const restarted = new LoudnessCache({ store, analyze, logger: silent });
    expect(await restarted.measure(a)).toEqual(first);
    expect(analyses).toEqual([a.id]);
  });

  it('runs one analysis at a time and remembers failures without storing them', async () => {
    const store = new MemoryStore();
    let running = 0;
    let most = 0;
    const analyze = async (t: { id: string }) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      if (t.id.includes('bad')) throw new Error('not audio');
      return { integratedLufs: -10, truePeakDb: -1 };
    };
    const cache = new LoudnessCache({ store, analyze, logger: silent });
    const results = await Promise.all([track('x'), track('y'), track('bad')].map((t) => cache.measure(t)));
    expect(most).toBe(1);
    expect(results[2]).toBeNull();
    expect(cache.lookup(track('bad'))).toBeNull();
    expect(await store.keys('loudness:')).toHaveLength(2);
  });
});
