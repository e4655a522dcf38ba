import OpusScript from 'opusscript';

/** Discord's Opus silence frame; @discordjs/voice sends five of them when playback stops. */
export const SILENCE_FRAME = Buffer.from([0xf8, 0xff, 0xfe]);
export const SAMPLE_RATE = 48_000;
export const CHANNELS = 2;

export function isSilenceFrame(opus: Buffer): boolean {
  return opus.equals(SILENCE_FRAME);
}

/**
 * A stateful Opus decoder (48 kHz stereo, interleaved Int16) for one packet stream.
 * Opus frames depend on their predecessors, so decode a stream's packets in order with one instance.
 */
export class OpusStreamDecoder {
  private decoder: OpusScript | undefined = new OpusScript(SAMPLE_RATE, CHANNELS, OpusScript.Application.AUDIO);

  decode(opus: Buffer): Int16Array {
    if (!this.decoder) throw new Error('OpusStreamDecoder used after close()');
    const out = this.decoder.decode(opus);
    return new Int16Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength));
  }

  /** Frees the WebAssembly memory; required, or decoders leak. */
  close(): void {
    this.decoder?.delete();
    this.decoder = undefined;
  }
}

/** Decodes a whole packet sequence to interleaved stereo PCM. */
export function decodeOpus(packets: Buffer[]): Int16Array {
  const decoder = new OpusStreamDecoder();
  try {
    return concatPcm(packets.map((p) => decoder.decode(p)));
  } finally {
    decoder.close();
  }
}

export function concatPcm(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Averages interleaved channels into mono floats in [-1, 1]. */
export function toMono(pcm: Int16Array, channels = CHANNELS): Float32Array {
  const frames = Math.floor(pcm.length / channels);
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i += 1) {
    let sum = 0;
    for (let c = 0; c < channels; c += 1) sum += pcm[i * channels + c]!;
    out[i] = sum / channels / 32768;
  }
  return out;
}

/** Root mean square, relative to full scale (a full-scale sine is ~0.707; digital silence is 0). */
export function rms(pcm: Int16Array | Float32Array): number {
  if (pcm.length === 0) return 0;
  const scale = pcm instanceof Int16Array ? 32768 : 1;
  let sum = 0;
  for (let i = 0; i < pcm.length; i += 1) {
    const v = pcm[i]! / scale;
    sum += v * v;
  }
  return Math.sqrt(sum / pcm.length);
}

/** RMS of one channel (0 = left, 1 = right) of interleaved PCM, relative to full scale. */
export function channelRms(pcm: Int16Array, channel: number, channels = CHANNELS): number {
  const frames = Math.floor(pcm.length / channels);
  if (frames === 0) return 0;
  let sum = 0;
  for (let i = 0; i < frames; i += 1) {
    const v = pcm[i * channels + channel]! / 32768;
    sum += v * v;
  }
  return Math.sqrt(sum / frames);
}

/** Level in dB relative to full scale (-Infinity for silence). */
export const dbfs = (level: number): number => 20 * Math.log10(level);

/** The threshold below which audio counts as silent (about -50 dBFS). */
export const SILENCE_RMS = 0.003;

export function isSilent(pcm: Int16Array | Float32Array, threshold = SILENCE_RMS): boolean {
  return rms(pcm) < threshold;
}

/** Power of one frequency in a (windowed) signal, by the Goertzel recurrence (any real frequency). */
export function goertzelPower(samples: Float32Array, sampleRate: number, hz: number): number {
  const coeff = 2 * Math.cos((2 * Math.PI * hz) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < samples.length; i += 1) {
    const s0 = samples[i]! + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

export interface FrequencyOptions {
  sampleRate?: number;
  /** Channels of an Int16Array input (interleaved); Float32Array input is taken as mono. */
  channels?: number;
  minHz?: number;
  maxHz?: number;
  /** At most this much audio (the middle part) is analysed; 1 s gives sub-Hz precision for sines. */
  maxSeconds?: number;
}

/**
 * The strongest frequency in the signal: a Hann-windowed Goertzel scan in 8 Hz steps over the middle
 * 0.25 s, then refinements (0.5 Hz, then 0.05 Hz) around the peak over the whole window. Accurate to well
 * under 1 Hz for a clean 200-2000 Hz sine over 0.5-1 s, and cheap enough to run several times a second.
 * Returns null for silence or less than 50 ms of audio.
 */
export function dominantFrequency(pcm: Int16Array | Float32Array, options: FrequencyOptions = {}): number | null {
  const sampleRate = options.sampleRate ?? SAMPLE_RATE;
  const mono = middle(
    pcm instanceof Int16Array ? toMono(pcm, options.channels ?? CHANNELS) : pcm,
    (options.maxSeconds ?? 1) * sampleRate,
  );
  if (mono.length < sampleRate * 0.05 || isSilent(mono)) return null;
  const full = hann(mono);
  const short = hann(middle(mono, sampleRate * 0.25));
  const scan = (samples: Float32Array, from: number, to: number, step: number): number => {
    let best = from;
    let bestPower = -1;
    for (let hz = Math.max(1, from); hz <= to; hz += step) {
      const power = goertzelPower(samples, sampleRate, hz);
      if (power > bestPower) {
        bestPower = power;
        best = hz;
      }
    }
    return best;
  };
  const coarse = scan(short, options.minHz ?? 50, options.maxHz ?? 4000, 8);
  const fine = scan(full, coarse - 10, coarse + 10, 0.5);
  return Math.round(scan(full, fine - 0.5, fine + 0.5, 0.05) * 100) / 100;
}

function middle(samples: Float32Array, length: number): Float32Array {
  const n = Math.floor(length);
  if (samples.length <= n) return samples;
  const start = Math.floor((samples.length - n) / 2);
  return samples.subarray(start, start + n);
}

function hann(samples: Float32Array): Float32Array {
  const out = new Float32Array(samples.length);
  const last = Math.max(1, samples.length - 1);
  for (let i = 0; i < samples.length; i += 1) out[i] = samples[i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / last));
  return out;
}

/** Timing and continuity of a packet stream (20 ms frames: gaps over 40 ms are audible). */
export interface GapStats {
  packets: number;
  durationMs: number;
  p50: number;
  p99: number;
  max: number;
  gapsOver40ms: number;
  /** Sequence numbers skipped (16-bit wrap-around aware). */
  missingSequences: number;
  duplicates: number;
}

export function packetGapStats(packets: ReadonlyArray<{ seq: number; arrivalMs: number }>): GapStats {
  const gaps: number[] = [];
  let missing = 0;
  let duplicates = 0;
  for (let i = 1; i < packets.length; i += 1) {
    const prev = packets[i - 1]!;
    const cur = packets[i]!;
    gaps.push(cur.arrivalMs - prev.arrivalMs);
    const step = (cur.seq - prev.seq + 65536) % 65536;
    if (step === 0) duplicates += 1;
    else if (step < 32768) missing += step - 1;
  }
  const sorted = [...gaps].sort((a, b) => a - b);
  const pct = (p: number): number =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return {
    packets: packets.length,
    durationMs: packets.length > 1 ? packets[packets.length - 1]!.arrivalMs - packets[0]!.arrivalMs : 0,
    p50: pct(0.5),
    p99: pct(0.99),
    max: sorted[sorted.length - 1] ?? 0,
    gapsOver40ms: gaps.filter((g) => g > 40).length,
    missingSequences: missing,
    duplicates,
  };
}

/**
 * `count` consecutive 20 ms frames (960 samples, 48 kHz, stereo, both channels alike) of a `hz` sine at about
 * -10 dBFS, each encoded with `encode` (an Opus encoder's): test and bench input for frame-level audio code.
 */
export function opusToneFrames(encode: (pcm: Buffer) => Buffer, hz: number, count: number): Buffer[] {
  const samples = 960;
  const frames: Buffer[] = [];
  for (let f = 0; f < count; f += 1) {
    const pcm = new Int16Array(samples * 2);
    for (let i = 0; i < samples; i += 1) {
      const v = Math.round(Math.sin((2 * Math.PI * hz * (f * samples + i)) / 48_000) * 10_000);
      pcm[2 * i] = v;
      pcm[2 * i + 1] = v;
    }
    frames.push(encode(Buffer.from(pcm.buffer)));
  }
  return frames;
}
