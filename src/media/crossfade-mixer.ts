import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import type { CrossfadeOptions, FrameCrossfade } from '../ports/voice.js';

/** Samples per channel in one 20 ms Opus frame at 48 kHz (what Discord sends and our sources carry). */
export const FRAME_SAMPLES = 960;
const CHANNELS = 2;

/** Decodes and encodes single 48 kHz stereo Opus frames (PCM: s16le, interleaved). One instance per stream. */
export interface OpusCodec {
  decode(frame: Buffer): Buffer;
  encode(pcm: Buffer): Buffer;
}

/** Equal-power gains at `t` in [0, 1] of the overlap: A (outgoing) cos(πt/2), B (incoming) sin(πt/2); a²+b² = 1. */
export function equalPowerGains(t: number): { readonly a: number; readonly b: number } {
  const x = Math.min(1, Math.max(0, t));
  return { a: Math.cos((Math.PI / 2) * x), b: Math.sin((Math.PI / 2) * x) };
}

/**
 * Mixes one frame of interleaved stereo PCM: sample pair `i` sits at `(first + i) / total` of the overlap.
 * A missing side (`null`: that track has ended) is silence. The result has B's length (A's if B is missing);
 * a shorter A is padded with silence. Clamped to 16 bits.
 */
export function mixPcm(a: Int16Array | null, b: Int16Array | null, first: number, total: number): Int16Array {
  const length = b?.length ?? a?.length ?? 0;
  const out = new Int16Array(length);
  for (let i = 0; i < length; i += CHANNELS) {
    const gains = equalPowerGains((first + i / CHANNELS) / total);
    for (let c = 0; c < CHANNELS; c += 1) {
      const sum = (a?.[i + c] ?? 0) * gains.a + (b?.[i + c] ?? 0) * gains.b;
      out[i + c] = Math.max(-32768, Math.min(32767, Math.round(sum)));
    }
  }
  return out;
}

/** One input of the mixer: frames already taken off it first, then its stream; `end` once both are exhausted. */
class FrameInput {
  private ended = false;

  constructor(
    private readonly head: Buffer[],
    readonly stream: Readable,
    wake: () => void,
    onError: (error: Error) => void,
  ) {
    stream.on('readable', wake);
    stream.once('end', () => {
      this.ended = true;
      wake();
    });
    stream.once('close', () => {
      this.ended = true;
      wake();
    });
    stream.once('error', onError);
  }

  /** The next frame, `wait` when none is buffered yet, `end` when there will be none. */
  next(): Buffer | 'wait' | 'end' {
    const queued = this.head.shift();
    if (queued) return queued;
    if (this.ended || this.stream.destroyed) return 'end';
    const frame = this.stream.read() as Buffer | null;
    return frame ?? (this.stream.readableEnded ? 'end' : 'wait');
  }

  destroy(): void {
    this.ended = true;
    this.stream.destroy();
  }
}

type Phase = { readonly status: 'mixing'; readonly index: number } | { readonly status: 'after' };

/**
 * The overlap of two tracks as one Opus frame stream (object mode): for `frames` frames, A's remaining frames
 * and B's first frames are decoded, mixed with equal-power curves and encoded again; after that B's frames pass
 * through untouched (no transcoding outside the overlap) and A is released. Frames are produced only as the
 * reader pulls them, so the cost is two decodes and one encode per overlap frame, spread over the fade.
 * A ending early leaves B rising alone; B ending early lets A fade out alone, then the stream ends.
 * An error on A only ends A; an error on B fails the stream (it is B's track now).
 */
export class CrossfadeMixer extends Readable {
  private phase: Phase = { status: 'mixing', index: 0 };
  private wanted = false;
  private pendingA: Buffer | 'end' | undefined;
  private readonly a: FrameInput;
  private readonly b: FrameInput;
  private readonly decodeA: OpusCodec;
  private readonly decodeB: OpusCodec;
  private readonly encoder: OpusCodec;
  private outgoingDone: (() => void) | undefined;

  constructor(
    outgoing: Readable,
    incoming: Readable,
    private readonly options: CrossfadeOptions & { readonly codec: () => OpusCodec },
  ) {
    super({ objectMode: true, highWaterMark: 4 });
    const wake = () => this.produce();
    this.outgoingDone = options.onOutgoingDone;
    this.a = new FrameInput([...(options.outgoingHead ?? [])], outgoing, wake, () => this.releaseA());
    this.b = new FrameInput([], incoming, wake, (error) => this.destroy(error));
    this.decodeA = options.codec();
    this.decodeB = options.codec();
    this.encoder = options.codec();
    // Warm A's decoder up on the frames it already played, so its first mixed frame decodes as it would have.
    for (const frame of options.preroll ?? []) this.decode(this.decodeA, frame);
    if (options.frames <= 0) this.finishOverlap();
  }

  override _read(): void {
    this.wanted = true;
    this.produce();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.releaseA();
    this.b.destroy();
    callback(error);
  }

  private produce(): void {
    while (this.wanted && !this.destroyed) {
      const frame = this.phase.status === 'mixing' ? this.mixed(this.phase.index) : this.b.next();
      if (frame === 'wait') return;
      if (frame === 'end') {
        this.wanted = false;
        this.push(null);
        return;
      }
      this.wanted = this.push(frame);
    }
  }

  /** Frame `index` of the overlap, or `wait` until both inputs have one (or have ended). */
  private mixed(index: number): Buffer | 'wait' | 'end' {
    // A frame taken off A is kept while B has none yet, so no frame of A is lost to a wait.
    const a = this.pendingA ?? this.a.next();
    if (a === 'wait') return 'wait';
    this.pendingA = a;
    const b = this.b.next();
    if (b === 'wait') return 'wait';
    this.pendingA = undefined;
    if (a === 'end') this.releaseA();
    if (a === 'end' && b === 'end') return 'end';
    const pcmA = a === 'end' ? null : this.decode(this.decodeA, a);
    const pcmB = b === 'end' ? null : this.decode(this.decodeB, b);
    const total = this.options.frames * FRAME_SAMPLES;
    const frame = this.encoder.encode(toBuffer(mixPcm(pcmA, pcmB, index * FRAME_SAMPLES, total)));
    if (index + 1 >= this.options.frames) this.finishOverlap();
    else this.phase = { status: 'mixing', index: index + 1 };
    return frame;
  }

  private finishOverlap(): void {
    this.phase = { status: 'after' };
    this.releaseA();
  }

  /** A is no longer needed: its frames beyond the overlap are dropped and its owner may release it. */
  private releaseA(): void {
    if (!this.a.stream.destroyed) this.a.destroy();
    const done = this.outgoingDone;
    this.outgoingDone = undefined;
    done?.();
  }

  private decode(codec: OpusCodec, frame: Buffer): Int16Array | null {
    try {
      const pcm = codec.decode(frame);
      return new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.byteLength / 2));
    } catch {
      return null; // a corrupt frame is a moment of silence on that side, not a failed transition
    }
  }
}

const toBuffer = (pcm: Int16Array): Buffer => Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);

/**
 * The voice link's crossfade on real Opus (@discordjs/opus, native: a few hundred frames per transition are
 * cheap in-process). `codec` makes one decoder/encoder per side.
 */
export function opusCrossfade(codec: () => OpusCodec): FrameCrossfade {
  return (outgoing, incoming, options) => new CrossfadeMixer(outgoing, incoming, { ...options, codec });
}

type NativeOpus = {
  OpusEncoder: new (rate: number, channels: number) => OpusCodec & { setBitrate(bps: number): void };
};

/** Codecs on the native @discordjs/opus at `bitrate`; undefined when it does not load (no crossfade then). */
export function nativeOpusCodec(bitrate: number): (() => OpusCodec) | undefined {
  try {
    const { OpusEncoder } = createRequire(import.meta.url)('@discordjs/opus') as NativeOpus;
    return () => {
      const codec = new OpusEncoder(48_000, CHANNELS);
      codec.setBitrate(bitrate);
      return codec;
    };
  } catch {
    return undefined;
  }
}
