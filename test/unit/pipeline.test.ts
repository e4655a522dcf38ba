import { execFileSync } from 'node:child_process';
import { mkdtempSync, createReadStream, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import prism from 'prism-media';
import { beforeAll, describe, expect, it } from 'vitest';
import { FfmpegLauncher } from '../../src/media/ffmpeg-launcher.js';
import { AudioPipeline } from '../../src/media/pipeline.js';
import type { Logger } from '../../src/ports/logger.js';
import { decodeOpus, dominantFrequency } from '../offline-discord/audio.js';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const dir = mkdtempSync(join(tmpdir(), 'pipeline-'));
const file = (name: string) => join(dir, name);

beforeAll(() => {
  for (const [name, codec] of [
    ['tone.ogg', 'libopus'],
    ['tone.webm', 'libopus'],
    ['tone.mp3', 'libmp3lame'],
  ] as const) {
    execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=2',
      '-c:a',
      codec,
      file(name),
    ]);
  }
  writeFileSync(file('garbage.mp3'), Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x00]), Buffer.alloc(20_000, 7)]));
});

const pipeline = new AudioPipeline(new FfmpegLauncher('ffmpeg', silent, 0), silent);
const options = { startMs: 0, volume: 1, bitrate: 96_000, signal: new AbortController().signal };
/** The Opus packets of an Ogg stream, decoded (the demuxer the voice library itself uses). */
function decode(ogg: Buffer): Int16Array {
  const demuxer = new prism.opus.OggDemuxer();
  const packets: Buffer[] = [];
  demuxer.on('data', (packet: Buffer) => packets.push(packet));
  demuxer.end(ogg);
  return decodeOpus(packets);
}
const read = async (stream: Readable): Promise<Buffer> => Buffer.concat(await stream.toArray());

describe('AudioPipeline', () => {
  it('passes Ogg/Opus and WebM/Opus through byte for byte', async () => {
    for (const [name, container] of [
      ['tone.ogg', 'ogg-opus'],
      ['tone.webm', 'webm-opus'],
    ] as const) {
      const audio = await pipeline.prepare({ stream: createReadStream(file(name)) }, options);
      expect(audio).toMatchObject({ pipeline: 'passthrough', container });
      expect((await read(audio.stream)).equals(await read(createReadStream(file(name))))).toBe(true);
    }
  });

  it('transcodes MP3 to Ogg/Opus with ffmpeg', async () => {
    const audio = await pipeline.prepare({ stream: createReadStream(file('tone.mp3')) }, options);
    expect(audio).toMatchObject({ pipeline: 'ffmpeg', container: 'ogg-opus' });
    const out = await read(audio.stream);
    expect(out.subarray(0, 4).toString()).toBe('OggS');
    expect(out.includes('OpusHead')).toBe(true);
  });

  it('uses ffmpeg for Opus too when changing volume, filtering or seeking in WebM', async () => {
    const seek = await pipeline.prepare({ stream: createReadStream(file('tone.webm')) }, { ...options, startMs: 1000 });
    expect(seek.pipeline).toBe('ffmpeg');
    seek.dispose();
    const loud = await pipeline.prepare({ stream: createReadStream(file('tone.ogg')) }, { ...options, volume: 0.5 });
    expect(loud.pipeline).toBe('ffmpeg');
    loud.dispose();
    const filtered = await pipeline.prepare(
      { stream: createReadStream(file('tone.ogg')) },
      { ...options, filter: 'nightcore' },
    );
    expect(filtered.pipeline).toBe('ffmpeg');
    const pcm = decode(await read(filtered.stream));
    expect(dominantFrequency(pcm)).toBeCloseTo(550, 0);
    expect(pcm.length / 2 / 48_000).toBeCloseTo(2 / 1.25, 1); // 1.25× faster: a 2 s track lasts 1.6 s
  });

  it('seeks in Ogg/Opus without ffmpeg by skipping whole pages', async () => {
    const audio = await pipeline.prepare({ stream: createReadStream(file('tone.ogg')) }, { ...options, startMs: 1500 });
    expect(audio).toMatchObject({ pipeline: 'passthrough', container: 'ogg-opus' });
    const bytes = await read(audio.stream);
    expect(bytes.subarray(0, 4).toString()).toBe('OggS');
    expect(bytes.includes('OpusHead') && bytes.includes('OpusTags')).toBe(true);
    const seconds = decode(bytes).length / 2 / 48_000;
    expect(seconds).toBeGreaterThan(0.4);
    expect(seconds).toBeLessThan(0.56); // 2 s - 1.5 s, to a frame (the pages here are 1 s long)
  });

  it('refuses HTML, empty and undecodable input with catalogue errors', async () => {
    await expect(
      pipeline.prepare({ stream: Readable.from([Buffer.from('<!doctype html><p>hi')]) }, options),
    ).rejects.toMatchObject({ code: 'NOT_AUDIO' });
    await expect(pipeline.prepare({ stream: Readable.from([]) }, options)).rejects.toMatchObject({
      code: 'BROKEN_MEDIA',
    });
    await expect(pipeline.prepare({ stream: createReadStream(file('garbage.mp3')) }, options)).rejects.toMatchObject({
      code: 'BROKEN_MEDIA',
    });
  });
});
