import { PassThrough, type Readable } from 'node:stream';
import { isUserError, UserError } from '../core/errors.js';
import type { Logger } from '../ports/logger.js';
import type { MediaStream } from '../ports/source.js';
import type { PreparedAudio } from '../ports/voice.js';
import type { FilterPreset } from '../core/audio-filter.js';
import type { FfmpegLauncher } from './ffmpeg-launcher.js';
import { audioFilterGraph, isNeutral, type AudioEffects } from './filter-graph.js';
import { OggSeek } from './ogg-seek.js';
import { peek } from './peek.js';
import { isPassthrough, isPlayableByFfmpeg, probeContainer, type ContainerKind } from './probe.js';

export interface PipelineOptions {
  /** Benchmark only: decode every track to PCM and encode in-process with inline volume (the common approach). */
  readonly baseline?: boolean;
  readonly startMs: number;
  readonly volume: number;
  /** Default `off`. */
  readonly filter?: FilterPreset;
  /** Loudness normalization: a fixed gain (dB) for a measured track, or a dynamic normalizer for a live one. */
  readonly gainDb?: number;
  readonly dynamicNormalize?: boolean;
  readonly bitrate: number;
  readonly signal: AbortSignal;
}

const PROBE_BYTES = 4096;
const PROBE_TIMEOUT_MS = 10_000;

/**
 * Chooses the cheapest pipeline per track: Ogg/WebM Opus with no effects (100% volume, no filter, no gain) is
 * passed through untouched (Ogg/Opus even when seeking: whole pages are skipped, see OggSeek); anything else
 * (another codec, a WebM seek, a volume change, a filter, a normalization gain) goes through one ffmpeg to
 * Ogg/Opus, whose single `-af` chain carries all of those at once.
 */
export class AudioPipeline {
  constructor(
    private readonly ffmpeg: FfmpegLauncher | undefined,
    private readonly logger: Logger,
  ) {}

  async prepare(media: MediaStream, options: PipelineOptions): Promise<PreparedAudio> {
    const head = await peek(media.stream, PROBE_BYTES, PROBE_TIMEOUT_MS);
    const kind = probeContainer(head);
    const needsSeek = options.startMs > 0 && !media.seeked;
    const effects = effectsOf(options);
    if (isPassthrough(kind) && isNeutral(effects) && !options.baseline) {
      if (!needsSeek) return passthrough(media.stream, kind);
      if (kind === 'ogg-opus') return seekingPassthrough(media.stream, options.startMs);
    }
    if (!isPlayableByFfmpeg(kind, media.contentType)) {
      media.stream.destroy();
      throw new UserError(kind === 'empty' ? 'BROKEN_MEDIA' : 'NOT_AUDIO');
    }
    if (!this.ffmpeg) {
      media.stream.destroy();
      throw new UserError('FFMPEG_MISSING');
    }
    return this.transcode(media.stream, kind, { ...options, startMs: needsSeek ? options.startMs : 0 });
  }

  private async transcode(input: Readable, kind: ContainerKind, options: PipelineOptions): Promise<PreparedAudio> {
    const launcher = this.ffmpeg as FfmpegLauncher;
    const audioFilter = options.baseline ? undefined : audioFilterGraph(effectsOf(options));
    const child = await launcher.start(
      { ...options, pcm: options.baseline === true, ...(audioFilter ? { audioFilter } : {}) },
      options.signal,
    );
    const stderr: string[] = [];
    const output = new PassThrough({ highWaterMark: 64 * 1024 });
    child.stderr.setEncoding('utf8').on('data', (line: string) => stderr.length < 20 && stderr.push(line));
    child.stdin.on('error', () => undefined); // EPIPE when ffmpeg exits early is expected
    input.on('error', () => output.destroy(new UserError('FETCH_FAILED')));
    input.pipe(child.stdin);
    child.stdout.pipe(output);
    // Errors reach whoever consumes `output` (the voice player); until then (a preloaded next track) this
    // keeps an error with no listener from becoming an uncaught exception.
    output.on('error', () => undefined);
    /** Set when this pipeline ends ffmpeg itself: that exit is expected, not a failure. */
    let released = false;
    // A plain listener, not events.once: an aborted child emits 'error' first, which would reject that promise.
    child.once('exit', (code, signal) => {
      if (released || options.signal.aborted) return;
      if (code !== 0 && code !== null) {
        this.logger.info({ code, kind, stderr: stderr.join('').slice(0, 500) }, 'ffmpeg failed');
        output.destroy(new UserError('BROKEN_MEDIA'));
      } else if (signal !== null) {
        // Killed from outside (OOM killer, an operator): without an error the buffered tail would play out
        // and the track would end early as if finished; failing lets the session reopen it where it was.
        this.logger.warn({ signal, kind }, 'ffmpeg was killed mid-track');
        output.destroy(new Error(`ffmpeg was killed (${signal})`));
      }
    });
    // Wait for the first Ogg page so a file ffmpeg can't decode fails here, not silently later.
    const first = await peek(output, 4, PROBE_TIMEOUT_MS).catch((error: unknown) => {
      released = true;
      child.kill('SIGKILL');
      throw error;
    });
    if (first.length === 0) throw new UserError('BROKEN_MEDIA');
    const dispose = () => {
      released = true;
      input.unpipe(child.stdin);
      input.destroy();
      output.destroy();
      if (child.exitCode === null) child.kill('SIGKILL');
    };
    if (options.baseline) {
      return { stream: output, container: 'pcm', pipeline: 'baseline', inlineVolume: options.volume, dispose };
    }
    return { stream: output, container: 'ogg-opus', pipeline: 'ffmpeg', dispose };
  }
}

function effectsOf(options: PipelineOptions): AudioEffects {
  return {
    volume: options.volume,
    filter: options.filter ?? 'off',
    ...(options.gainDb ? { gainDb: options.gainDb } : {}),
    ...(options.dynamicNormalize ? { dynamicNormalize: true } : {}),
  };
}

function seekingPassthrough(input: Readable, startMs: number): PreparedAudio {
  const output = new OggSeek(startMs);
  // As in transcode: a source failing mid-track is told to users as a fetch failure, not an internal error.
  input.on('error', (error: Error) => output.destroy(isUserError(error) ? error : new UserError('FETCH_FAILED')));
  output.on('error', () => undefined); // as in transcode: a preloaded stream may fail before anyone listens
  input.pipe(output);
  const dispose = () => {
    input.unpipe(output);
    input.destroy();
    output.destroy();
  };
  return { stream: output, container: 'ogg-opus', pipeline: 'passthrough', dispose };
}

function passthrough(stream: Readable, kind: 'ogg-opus' | 'webm-opus'): PreparedAudio {
  return { stream, container: kind, pipeline: 'passthrough', dispose: () => stream.destroy() };
}
