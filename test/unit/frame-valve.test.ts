import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FrameValve } from '../../src/voice/frame-valve.js';

const frame = (n: number) => Buffer.from([n]);
const tick = () => new Promise((resolve) => setImmediate(resolve));

function source(count: number): PassThrough {
  const s = new PassThrough({ objectMode: true, highWaterMark: 64 });
  for (let i = 0; i < count; i += 1) s.write(frame(i));
  return s;
}

describe('FrameValve', () => {
  it('passes frames through in order and ends with its source', async () => {
    const src = source(5);
    src.end();
    const got: number[] = [];
    for await (const f of new FrameValve(src)) got.push((f as Buffer)[0]!);
    expect(got).toEqual([0, 1, 2, 3, 4]);
  });

  it('detach hands back the source with the unplayed frames first and the last played ones for pre-roll', async () => {
    const src = source(10);
    const valve = new FrameValve(src);
    const played: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      await tick();
      const f = valve.read() as Buffer | null;
      if (f) played.push(f[0]!);
    }
    const detached = valve.detach();
    expect(detached).toBeDefined();
    const unplayed = detached!.unplayed.map((f) => f[0]!);
    expect(detached!.played.map((f) => f[0]!)).toEqual(played.slice(-3));
    // Nothing lost, nothing repeated: played, then what the valve held, then what the source still has.
    const rest = [];
    for (let f = detached!.source.read() as Buffer | null; f; f = detached!.source.read() as Buffer | null)
      rest.push(f[0]!);
    expect([...played, ...unplayed, ...rest]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // The player destroying the valve after the switch leaves the source alone.
    valve.destroy();
    expect(detached!.source.destroyed).toBe(false);
  });

  it('destroying an attached valve destroys its source; a source closed without an end takes the valve with it', async () => {
    const src = source(3);
    new FrameValve(src).destroy();
    expect(src.destroyed).toBe(true);
    const cut = source(3);
    const valve = new FrameValve(cut);
    cut.destroy();
    await tick();
    expect(valve.destroyed).toBe(true);
    expect(valve.detach()).toBeUndefined();
  });

  it('a source error fails the valve (the player reports it)', async () => {
    const src = source(1);
    const valve = new FrameValve(src);
    const failed = new Promise<Error>((resolve) => valve.once('error', resolve));
    src.destroy(new Error('fetch failed'));
    expect((await failed).message).toBe('fetch failed');
  });
});
