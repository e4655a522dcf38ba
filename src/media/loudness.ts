import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import type { Readable } from 'node:stream';
import { childEnv } from '../core/child-env.js';
import type { Loudness } from '../ports/loudness.js';

export type { Loudness } from '../ports/loudness.js';

/** Lowest priority there is: analysis is background work that must never take time from playing audio. */
const ANALYSIS_NICENESS = 19;
/** Only the tail of ffmpeg's stderr is kept: the summary comes last, and a long track logs a lot before it. */
const STDERR_TAIL_BYTES = 4096;

/**
 * Measures a whole track's loudness with ffmpeg's `ebur128` filter in a child process (off the event loop, at
 * the lowest priority). Rejects on a decoding failure, an abort, or a summary that can't be read.
 */
export function measureLoudness(
  ffmpegPath: string,
  input: Readable,
  signal: AbortSignal,
  env: Record<string, string> = childEnv(process.env),
): Promise<Loudness> {
  return new Promise((resolve, reject) => {
    const args = [
      '-nostdin',
      '-hide_banner',
      '-nostats',
      '-i',
      'pipe:0',
      '-map',
      '0:a:0',
      '-vn',
      '-af',
      'aresample=48000,ebur128=peak=true',
      '-f',
      'null',
      '-',
    ];
    const child = spawn(ffmpegPath, args, { stdio: ['pipe', 'ignore', 'pipe'], signal, env });
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, ANALYSIS_NICENESS);
      } catch {
        // not allowed to lower it: it still runs in its own process
      }
    }
    let tail = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      tail = (tail + text).slice(-STDERR_TAIL_BYTES);
    });
    child.stdin.on('error', () => undefined); // EPIPE when ffmpeg stops reading early
    input.on('error', () => child.kill('SIGKILL'));
    input.pipe(child.stdin);
    child.once('error', reject);
    child.once('close', (code) => {
      input.destroy();
      const loudness = code === 0 ? parseEbur128Summary(tail) : undefined;
      if (loudness) resolve(loudness);
      else reject(new Error(code === 0 ? 'no loudness summary from ffmpeg' : `ffmpeg exited with ${String(code)}`));
    });
  });
}

/**
 * Reads `I: -23.0 LUFS` and `Peak: -3.1 dBFS` from the summary ebur128 prints last. Pure. Undefined when
 * either is missing or the track was silent (I is -70 LUFS or below: nothing to normalize toward).
 */
export function parseEbur128Summary(stderr: string): Loudness | undefined {
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const integrated = /\bI:\s+(-?\d+(?:\.\d+)?) LUFS/.exec(summary)?.[1];
  const peak = /\bPeak:\s+(-?(?:\d+(?:\.\d+)?|inf)) dBFS/.exec(summary)?.[1];
  if (integrated === undefined || peak === undefined) return undefined;
  const integratedLufs = Number(integrated);
  if (!Number.isFinite(integratedLufs) || integratedLufs <= -70) return undefined;
  return { integratedLufs, truePeakDb: peak === '-inf' ? -Infinity : Number(peak) };
}

/** Boosts are capped: a quiet intro or a noisy recording should not be lifted by more than this. */
export const MAX_BOOST_DB = 20;
/** Tracks this close to the target are left alone (and so stay on passthrough). */
export const TOLERANCE_LU = 1;

/**
 * The gain that brings a track to `targetLufs`; 0 within ±TOLERANCE_LU. Boosts are capped at MAX_BOOST_DB; any
 * boost goes through the true-peak limiter (see filter-graph.ts), so peaks the gain pushes past -1 dBTP are
 * limited rather than clipped. Pure.
 */
export function normalizationGain(loudness: Loudness, targetLufs: number): number {
  const wanted = targetLufs - loudness.integratedLufs;
  if (Math.abs(wanted) <= TOLERANCE_LU) return 0;
  return Math.round(Math.min(wanted, MAX_BOOST_DB) * 100) / 100;
}
