import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AudioShipper } from '../../../src/engine/audio-shipper.js';
import { windowBytes, type ToWorker } from '../../../src/engine/engine-protocol.js';
import { PortStream } from '../../../src/engine/port-stream.js';
import type { PreparedAudio } from '../../../src/ports/voice.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

function shipped(container: PreparedAudio['container'] = 'ogg-opus') {
  const source = new PassThrough({ highWaterMark: 1024 * 1024 });
  const sent: ToWorker[] = [];
  const audio: PreparedAudio = { stream: source, container, pipeline: 'passthrough', dispose: () => source.destroy() };
  const shipper = new AudioShipper(1, audio, (message) => void sent.push(message));
  return { source, sent, shipper };
}

const bytesIn = (sent: ToWorker[]) => sent.reduce((sum, m) => sum + (m.type === 'chunk' ? m.data.byteLength : 0), 0);

describe('AudioShipper', () => {
  it('never has more than the window in flight, however fast the source is', async () => {
    const { source, sent, shipper } = shipped();
    shipper.start();
    source.write(Buffer.alloc(500 * 1024, 7));
    await tick();
    const window = windowBytes('ogg-opus');
    const first = bytesIn(sent);
    expect(first).toBe(window);
    expect(sent.every((m) => m.type !== 'chunk' || m.data.byteLength <= 16 * 1024)).toBe(true);
    shipper.credit(first);
    await tick();
    expect(bytesIn(sent)).toBeGreaterThan(first);
  });

  it('says when the source ended, and remembers the source’s own error', async () => {
    const { source, sent, shipper } = shipped();
    shipper.start();
    source.end(Buffer.from('abc'));
    await tick();
    await tick();
    expect(sent.map((m) => m.type)).toEqual(['chunk', 'end']);
    const failing = shipped();
    failing.shipper.start();
    failing.source.destroy(new Error('socket hang up'));
    await tick();
    expect(failing.shipper.streamError?.message).toBe('socket hang up');
    expect(failing.sent.map((m) => m.type)).toEqual(['fail']);
  });
});

describe('PortStream (the worker side)', () => {
  it('delivers the bytes in order, ends after the last, and credits what its reader took', async () => {
    const credited: number[] = [];
    const stream = new PortStream((bytes) => credited.push(bytes));
    stream.deliver(new Uint8Array([1, 2, 3]));
    stream.deliver(new Uint8Array([4]));
    stream.finish();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect([...Buffer.concat(chunks)]).toEqual([1, 2, 3, 4]);
    expect(credited.reduce((a, b) => a + b, 0)).toBe(4);
  });

  it('holds bytes its reader does not want yet without crediting them', async () => {
    const credited: number[] = [];
    const stream = new PortStream((bytes) => credited.push(bytes));
    stream.pause();
    for (let i = 0; i < 10; i++) stream.deliver(new Uint8Array(8 * 1024));
    await tick();
    const total = credited.reduce((a, b) => a + b, 0);
    // Only what fits the stream's own 16 KiB buffer moved (and was credited); the rest waits uncredited.
    expect(total).toBeLessThanOrEqual(24 * 1024);
    stream.destroy();
  });
});
