import { PassThrough, type Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  CrossfadeMixer,
  equalPowerGains,
  FRAME_SAMPLES,
  mixPcm,
  nativeOpusCodec,
  type OpusCodec,
} from '../../../src/media/crossfade-mixer.js';
import { goertzelPower, opusToneFrames, toMono } from '../../offline-discord/audio.js';

/** "Opus" frames that are their own PCM: decode and encode are the identity, so gains can be read back exactly. */
const identity = (): OpusCodec => ({ decode: (f) => f, encode: (p) => Buffer.from(p) });

/** A frame of constant stereo PCM `value` (a tag that tells frames apart), as a Buffer. */
const frame = (value: number): Buffer => Buffer.from(new Int16Array(FRAME_SAMPLES * 2).fill(value).buffer);
const samples = (b: Buffer): Int16Array => new Int16Array(b.buffer, b.byteOffset, b.byteLength / 2);

function frames(values: readonly number[]): Readable {
  const stream = new PassThrough({ objectMode: true });
  for (const v of values) stream.write(frame(v));
  stream.end();
  return stream;
}

async function collect(stream: Readable): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const chunk of stream) out.push(chunk as Buffer);
  return out;
}

describe('equal-power curves', () => {
  it('start at A alone, end at B alone, cross at -3 dB, and keep the power constant', () => {
    expect(equalPowerGains(0)).toEqual({ a: 1, b: 0 });
    expect(equalPowerGains(1).a).toBeCloseTo(0, 12);
    expect(equalPowerGains(1).b).toBe(1);
    expect(equalPowerGains(0.5).a).toBeCloseTo(Math.SQRT1_2, 12);
    expect(equalPowerGains(0.5).b).toBeCloseTo(Math.SQRT1_2, 12);
    for (let t = 0; t <= 1; t += 0.05) {
      const { a, b } = equalPowerGains(t);
      expect(a * a + b * b).toBeCloseTo(1, 12);
    }
    expect(equalPowerGains(-1)).toEqual(equalPowerGains(0)); // clamped
  });

  it('mixPcm applies the gain of each sample pair position, clamps, and treats a missing side as silence', () => {
    const a = new Int16Array([10_000, 10_000, 30_000, 30_000]);
    const b = new Int16Array([20_000, 20_000, 30_000, 30_000]);
    const out = mixPcm(a, b, 1, 4); // pairs at t = 1/4 and 2/4
    const g1 = equalPowerGains(0.25);
    expect(out[0]).toBe(Math.round(10_000 * g1.a + 20_000 * g1.b));
    expect(out[2]).toBe(32767); // 0.707 * 60 000 clamps
    const half = Math.round(30_000 * equalPowerGains(0.5).b);
    expect(Array.from(mixPcm(null, b, 0, 2))).toEqual([0, 0, half, half]); // t = 0 then 1/2, B alone
    expect(mixPcm(a, null, 0, 2).length).toBe(4);
  });
});

describe('CrossfadeMixer', () => {
  it('mixes exactly `frames` frames with falling A and rising B, then passes B through untouched', async () => {
    let released = 0;
    const mixer = new CrossfadeMixer(
      frames([1000, 1000, 1000, 1000, 1000, 1000]),
      frames([2000, 2000, 2000, 2000, 7]),
      {
        frames: 4,
        codec: identity,
        onOutgoingDone: () => (released += 1),
      },
    );
    const out = await collect(mixer);
    expect(out.length).toBe(5); // 4 mixed + B's 5th; A's 2 frames beyond the overlap are dropped
    for (let i = 0; i < 4; i += 1) {
      const mid = samples(out[i]!)[FRAME_SAMPLES]!; // the pair in the middle of frame i
      const { a, b } = equalPowerGains((i * FRAME_SAMPLES + FRAME_SAMPLES / 2) / (4 * FRAME_SAMPLES));
      expect(mid).toBe(Math.round(1000 * a + 2000 * b));
    }
    const first = samples(out[0]!);
    expect(first[0]).toBe(1000); // t = 0: A alone
    expect(samples(out[4]!)[0]).toBe(7); // after the overlap: B's own frame, not re-encoded
    expect(out[4]).toEqual(frame(7));
    expect(released).toBe(1);
  });

  it('plays the frames the valve still held first and warms A up on the ones it played', async () => {
    const decoded: number[] = [];
    const codec = (): OpusCodec => ({
      decode: (f) => {
        decoded.push(samples(f)[0]!);
        return f;
      },
      encode: (p) => Buffer.from(p),
    });
    const mixer = new CrossfadeMixer(frames([3, 4]), frames([50, 50, 50]), {
      frames: 2,
      codec,
      outgoingHead: [frame(2)],
      preroll: [frame(1)],
    });
    const out = await collect(mixer);
    expect(decoded.slice(0, 2)).toEqual([1, 2]); // the pre-roll, then the held frame as the first mixed A frame
    expect(samples(out[0]!)[0]).toBe(2); // t = 0 of the overlap: the held frame alone
    expect(out.length).toBe(3);
  });

  it('A ending early leaves B rising alone; B ending early lets A fade out alone, then ends', async () => {
    let released = 0;
    const short = await collect(
      new CrossfadeMixer(frames([1000]), frames([2000, 2000, 2000, 2000]), {
        frames: 3,
        codec: identity,
        onOutgoingDone: () => (released += 1),
      }),
    );
    expect(short.length).toBe(4);
    expect(released).toBe(1);
    const g = equalPowerGains((2 * FRAME_SAMPLES) / (3 * FRAME_SAMPLES));
    expect(samples(short[2]!)[0]).toBe(Math.round(2000 * g.b)); // no A left: B on its curve
    const fading = await collect(
      new CrossfadeMixer(frames([1000, 1000, 1000, 1000]), frames([2000]), { frames: 3, codec: identity }),
    );
    expect(fading.length).toBe(3); // A fades for the whole overlap, then the stream ends (B is over)
    expect(samples(fading[2]!)[0]).toBe(Math.round(1000 * g.a));
  });

  it('waits for frames that have not arrived yet instead of dropping them', async () => {
    const a = new PassThrough({ objectMode: true });
    const b = new PassThrough({ objectMode: true });
    const mixer = new CrossfadeMixer(a, b, { frames: 2, codec: identity });
    const out = collect(mixer);
    a.write(frame(100));
    await new Promise((resolve) => setImmediate(resolve));
    b.write(frame(200));
    a.end(frame(100));
    b.end(frame(200));
    const got = await out;
    expect(got.length).toBe(2);
    expect(samples(got[0]!)[0]).toBe(100);
  });

  it('an error on B fails the stream and releases A; destroying the mix releases both', async () => {
    const a = frames([1, 1, 1]);
    const b = new PassThrough({ objectMode: true });
    let released = 0;
    const mixer = new CrossfadeMixer(a, b, { frames: 2, codec: identity, onOutgoingDone: () => (released += 1) });
    const failed = collect(mixer);
    b.destroy(new Error('source cut'));
    await expect(failed).rejects.toThrow('source cut');
    expect(released).toBe(1);
    expect(a.destroyed).toBe(true);
  });

  it('with real Opus: the 440 Hz tone fades out while 660 Hz rises, each about -3 dB in the middle', async () => {
    const codec = nativeOpusCodec(96_000);
    if (!codec) throw new Error('@discordjs/opus did not load');
    const encoder = codec();
    const tone = (hz: number, count: number) => opusToneFrames((pcm) => encoder.encode(pcm), hz, count);

    const stream = (list: Buffer[]) => {
      const s = new PassThrough({ objectMode: true });
      for (const f of list) s.write(f);
      s.end();
      return s;
    };
    const mixed = await collect(
      new CrossfadeMixer(stream(tone(440, 150)), stream(tone(660, 200)), { frames: 150, codec }),
    );
    expect(mixed.length).toBe(200);
    const decoder = codec();
    const pcm = mixed.map((f) => samples(decoder.decode(f)));
    const power = (from: number, to: number, hz: number) => {
      const part = new Int16Array((to - from) * FRAME_SAMPLES * 2);
      for (let i = from; i < to; i += 1) part.set(pcm[i]!, (i - from) * FRAME_SAMPLES * 2);
      return goertzelPower(toMono(part), 48_000, hz);
    };
    const db = (x: number) => 10 * Math.log10(x);
    // Early: A dominates; late: B dominates; the middle: both near equal.
    expect(db(power(5, 25, 440)) - db(power(5, 25, 660))).toBeGreaterThan(10);
    expect(db(power(125, 145, 660)) - db(power(125, 145, 440))).toBeGreaterThan(10);
    expect(Math.abs(db(power(65, 85, 440)) - db(power(65, 85, 660)))).toBeLessThan(3);
    // A falls steadily across the overlap, B rises.
    expect(power(10, 30, 440)).toBeGreaterThan(power(60, 80, 440));
    expect(power(60, 80, 440)).toBeGreaterThan(power(110, 130, 440));
    expect(power(10, 30, 660)).toBeLessThan(power(60, 80, 660));
  });
});
