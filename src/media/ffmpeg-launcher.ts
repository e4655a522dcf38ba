import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { childEnv } from '../core/child-env.js';
import { setPriority } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from '../ports/logger.js';

export interface TranscodeOptions {
  readonly startMs: number;
  /** 1 = unchanged. */
  readonly volume: number;
  /** Output bitrate in bits per second (match the voice channel; Discord's default is 64 kbps). */
  readonly bitrate: number;
  /** Raw PCM out instead of Ogg/Opus: only for the benchmark's baseline pipeline. */
  readonly pcm?: boolean;
  /** A whole `-af` chain (filters, gain, limiter; see filter-graph.ts); replaces the plain `volume`. */
  readonly audioFilter?: string;
}

export type FfmpegProcess = ChildProcessByStdio<Writable, Readable, Readable>;

/**
 * How much lower than the bot ffmpeg runs (nice). The bot must send a frame every 20 ms for every guild;
 * ffmpeg only has to stay ahead of a read-ahead buffer of several seconds. At equal priority a hundred ffmpeg
 * filling their buffers at once got the bot's event loop a fraction of the CPU: bench (2 cores, 100 MP3
 * streams) measured 1-2 % late frames and bursts of catch-up frames (up to 97 packets/s per stream) at nice
 * 0, 0-0.2 % late and a steady 50 packets/s at nice 10.
 */
export const FFMPEG_NICENESS = 10;

/**
 * Starts ffmpeg processes that turn any input on stdin into Ogg/Opus on stdout, so the event loop never
 * encodes audio. Starts are spaced at least `spacingMs` apart: measured here, many ffmpeg starting in the
 * same instant starve the voice dispatch loop and cause late frames for every guild. For the same reason
 * each runs at a lower priority than the bot (FFMPEG_NICENESS).
 */
export class FfmpegLauncher {
  private nextSlot = 0;
  private started = 0;

  constructor(
    private readonly path: string,
    private readonly logger: Logger,
    private readonly spacingMs = 15,
    /** ffmpeg's whole environment: minimal (no bot secrets), see core/child-env. */
    private readonly env: Record<string, string> = childEnv(process.env),
  ) {}

  get processesStarted(): number {
    return this.started;
  }

  async start(options: TranscodeOptions, signal: AbortSignal): Promise<FfmpegProcess> {
    const now = performance.now();
    const wait = Math.max(0, this.nextSlot - now);
    this.nextSlot = Math.max(now, this.nextSlot) + this.spacingMs;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    signal.throwIfAborted();
    this.started += 1;
    const child = spawn(this.path, ffmpegArgs(options), { stdio: ['pipe', 'pipe', 'pipe'], signal, env: this.env });
    child.on('error', (error) => this.logger.debug({ err: error }, 'ffmpeg process error'));
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, FFMPEG_NICENESS);
      } catch (error) {
        this.logger.debug({ err: error }, 'could not lower ffmpeg priority');
      }
    }
    return child;
  }
}

export function ffmpegArgs(options: TranscodeOptions): string[] {
  const seek = options.startMs > 0 ? ['-ss', (options.startMs / 1000).toFixed(3)] : [];
  // Read from stdin at once (no long probe), take the first audio stream as 48 kHz stereo.
  const decode = [
    '-nostdin',
    '-hide_banner',
    '-loglevel',
    'error',
    '-analyzeduration',
    '0',
    '-probesize',
    '64k',
    ...seek,
    '-i',
    'pipe:0',
    '-map',
    '0:a:0',
    '-vn',
    '-ac',
    '2',
    '-ar',
    '48000',
  ];
  if (options.pcm) return [...decode, '-f', 's16le', 'pipe:1'];
  const volume = options.audioFilter
    ? ['-af', options.audioFilter]
    : options.volume !== 1
      ? ['-af', `volume=${options.volume.toFixed(3)}`]
      : [];
  return [
    ...decode,
    ...volume,
    '-c:a',
    'libopus',
    '-b:a',
    String(options.bitrate),
    '-frame_duration',
    '20',
    '-application',
    'audio',
    '-page_duration',
    '20000',
    '-f',
    'ogg',
    'pipe:1',
  ];
}
