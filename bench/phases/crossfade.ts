import { PassThrough, type Readable } from 'node:stream';
import type { CrossfadeMixer as MixerType, OpusCodec } from '../../src/media/crossfade-mixer.js';
import type { CrossfadeOptions } from '../../src/ports/voice.js';
import { opusToneFrames } from '../../test/offline-discord/audio.js';
import { round } from '../lib/stats.js';

export interface CrossfadeCost {
  /** Overlap length of the measured transition, seconds. */
  fadeSeconds: number;
  /** Bot-side CPU per mixed 20 ms frame: two Opus decodes, the equal-power mix, one Opus encode. */
  usPerMixedFrame: number;
  /** CPU per frame passed through after the overlap (the same stream, no codec work). */
  usPerPassthroughFrame: number;
  /** CPU of one whole transition. */
  msPerTransition: number;
  /** Share of one core while the overlap plays (50 frames/s). */
  cpuPctDuringOverlap: number;
}

type MixerCtor = new (
  outgoing: Readable,
  incoming: Readable,
  options: CrossfadeOptions & { codec: () => OpusCodec },
) => MixerType;
type CodecFactory = (bitrate: number) => (() => OpusCodec) | undefined;

const toneFrames = (codec: OpusCodec, hz: number, count: number): Buffer[] =>
  opusToneFrames((pcm) => codec.encode(pcm), hz, count);

function streamOf(frames: readonly Buffer[]): Readable {
  const stream = new PassThrough({ objectMode: true, highWaterMark: frames.length + 1 });
  for (const f of frames) stream.write(f);
  stream.end();
  return stream;
}

/** CPU µs (user + system) to read the whole mix of `frames` overlap frames followed by `after` passthrough frames. */
async function cpuOfMix(
  Mixer: MixerCtor,
  codec: () => OpusCodec,
  a: readonly Buffer[],
  b: readonly Buffer[],
  frames: number,
): Promise<number> {
  const mixer = new Mixer(streamOf(a), streamOf(b), { frames, codec });
  const start = process.cpuUsage();
  let count = 0;
  for await (const _ of mixer) count += 1;
  const used = process.cpuUsage(start);
  if (count !== b.length) throw new Error(`mixed ${count} frames, expected ${b.length}`);
  return used.user + used.system;
}

/**
 * The crossfade transition's cost, in-process on the compiled mixer (dist/media/crossfade-mixer.js, the code the
 * voice link runs) with the native Opus codec: for each fade length, the median of `runs` transitions of
 * `fade` overlap frames then 10 s of passthrough, against the same stream with no overlap.
 */
export async function runCrossfadeCost(
  fadeSeconds: readonly number[],
  runs: number,
  log: (line: string) => void,
): Promise<CrossfadeCost[]> {
  const mod = (await import(new URL('../../dist/media/crossfade-mixer.js', import.meta.url).href)) as {
    CrossfadeMixer: MixerCtor;
    nativeOpusCodec: CodecFactory;
  };
  const codec = mod.nativeOpusCodec(96_000);
  if (!codec) throw new Error('@discordjs/opus did not load: no crossfade to measure');
  const encoder = codec();
  const out: CrossfadeCost[] = [];
  const after = 500; // 10 s of B after the overlap
  for (const seconds of fadeSeconds) {
    const frames = seconds * 50;
    const a = toneFrames(encoder, 440, frames);
    const b = toneFrames(encoder, 660, frames + after);
    const median = async (overlap: number) => {
      const samples: number[] = [];
      for (let r = 0; r < runs; r += 1) samples.push(await cpuOfMix(mod.CrossfadeMixer, codec, a, b, overlap));
      return samples.sort((x, y) => x - y)[Math.floor(runs / 2)]!;
    };
    const plain = await median(0);
    const mixed = await median(frames);
    const passUs = plain / (frames + after);
    const mixUs = Math.max(0, (mixed - passUs * after) / frames);
    out.push({
      fadeSeconds: seconds,
      usPerMixedFrame: round(mixUs, 1),
      usPerPassthroughFrame: round(passUs, 2),
      msPerTransition: round((mixUs * frames) / 1000, 1),
      cpuPctDuringOverlap: round((mixUs * 50) / 1e4, 2),
    });
    log(`crossfade ${seconds} s: ${JSON.stringify(out.at(-1))}`);
  }
  return out;
}
