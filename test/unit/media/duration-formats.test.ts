import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toneInputArgs } from '../../offline-discord/media-server.js';
import { estimateDuration } from '../../../src/media/duration-estimate.js';
import { canMeasureOgg, oggDurationFromTail } from '../../../src/media/duration-ogg.js';
import { probeContainer, type ContainerKind } from '../../../src/media/probe.js';

/**
 * Duration parsers against real files: ffmpeg writes a 7.5 s sine in every container the HTTP source meets,
 * and each parser must land within 100 ms of it (300 ms for the constant-bitrate byte-count estimate).
 * Cut and hostile heads must give `null` (or, if enough survived, the right answer), never an exception.
 */
const run = promisify(execFile);
const SECONDS = 7.5;
const HEAD = 4096;
const TAIL = 65_536;

const FILES = {
  wav: ['-c:a', 'pcm_s16le', '-f', 'wav'],
  'wav-piped': ['-c:a', 'pcm_s16le', '-f', 'wav'],
  'mp3-cbr': ['-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3'],
  'mp3-vbr': ['-c:a', 'libmp3lame', '-q:a', '4', '-f', 'mp3'],
  'mp3-untagged': [
    '-c:a',
    'libmp3lame',
    '-b:a',
    '128k',
    '-write_xing',
    '0',
    '-id3v2_version',
    '3',
    '-metadata',
    'title=Tone',
    '-f',
    'mp3',
  ],
  flac: ['-c:a', 'flac', '-f', 'flac'],
  webm: ['-c:a', 'libopus', '-b:a', '96k', '-f', 'webm'],
  'webm-piped': ['-c:a', 'libopus', '-b:a', '96k', '-f', 'webm'],
  m4a: ['-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', '-f', 'mp4'],
  'm4a-moov-last': ['-c:a', 'aac', '-b:a', '128k', '-f', 'mp4'],
  'ogg-opus': ['-c:a', 'libopus', '-b:a', '96k', '-f', 'ogg'],
  'ogg-vorbis': ['-c:a', 'libvorbis', '-q:a', '4', '-f', 'ogg'],
  'ogg-flac': ['-c:a', 'flac', '-f', 'ogg'],
} as const;
type Name = keyof typeof FILES;

let dir: string;
const bytes = {} as Record<Name, Buffer>;

/** Piped outputs cannot seek back, so their headers keep "unknown size": what a live origin serves. */
async function generate(name: Name): Promise<void> {
  const piped = name.endsWith('-piped');
  const out = join(dir, name);
  const input = toneInputArgs(440, SECONDS);
  if (piped) {
    const { stdout } = await run('ffmpeg', [...input, ...FILES[name], 'pipe:1'], {
      encoding: 'buffer',
      maxBuffer: 1 << 24,
    });
    bytes[name] = stdout;
    return;
  }
  await run('ffmpeg', [...input, ...FILES[name], out]);
  bytes[name] = readFileSync(out);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'duration-formats-'));
  await Promise.all((Object.keys(FILES) as Name[]).map(generate));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const head = (name: Name, size = HEAD): Buffer => bytes[name].subarray(0, size);
const kindOf = (name: Name): ContainerKind => probeContainer(head(name));
const estimate = (name: Name, size = HEAD): number | null =>
  estimateDuration(head(name, size), kindOf(name), bytes[name].length);
const tailDuration = (name: Name): number | null => oggDurationFromTail(bytes[name].subarray(-TAIL), head(name));

describe('estimateDuration on ffmpeg files (7.5 s)', () => {
  it.each<[Name, number]>([
    ['wav', 100],
    ['wav-piped', 100],
    ['mp3-cbr', 100],
    ['mp3-vbr', 100],
    ['mp3-untagged', 300],
    ['flac', 100],
    ['webm', 100],
    ['m4a', 100],
  ])('%s within ±%i ms', (name, tolerance) => {
    const ms = estimate(name);
    expect(ms).not.toBeNull();
    expect(Math.abs((ms ?? 0) - SECONDS * 1000)).toBeLessThanOrEqual(tolerance);
  });

  it('reads the LAME delay and padding, so a tagged MP3 is exact rather than a frame long', () => {
    expect(estimate('mp3-cbr')).toBe(7500);
    expect(estimate('mp3-vbr')).toBe(7500);
  });

  it('a piped WAV (data size unset) needs the content length', () => {
    expect(estimateDuration(head('wav-piped'), 'wav', null)).toBeNull();
  });

  it('an untagged MP3 needs the content length for its constant-bitrate estimate', () => {
    expect(estimateDuration(head('mp3-untagged'), 'mp3', null)).toBeNull();
  });

  it('stays unknown where the head cannot know: live WebM, moov at the end, Ogg from the head alone', () => {
    expect(estimate('webm-piped')).toBeNull();
    expect(estimate('m4a-moov-last')).toBeNull();
    expect(estimate('ogg-opus')).toBeNull();
  });
});

describe('oggDurationFromTail on ffmpeg files (7.5 s)', () => {
  it.each<Name>(['ogg-opus', 'ogg-vorbis', 'ogg-flac'])('%s within ±100 ms', (name) => {
    const ms = tailDuration(name);
    expect(ms).not.toBeNull();
    expect(Math.abs((ms ?? 0) - SECONDS * 1000)).toBeLessThanOrEqual(100);
  });

  it('knows from the head alone whether a tail fetch could help', () => {
    expect(['ogg-opus', 'ogg-vorbis', 'ogg-flac'].every((name) => canMeasureOgg(head(name as Name)))).toBe(true);
    const speexLike = Buffer.from(head('ogg-opus'));
    speexLike.write('Speex   ', 28, 'latin1');
    expect(canMeasureOgg(speexLike)).toBe(false); // and its CRC no longer matches either
    expect(canMeasureOgg(head('webm'))).toBe(false);
  });

  it('subtracts the Opus pre-skip (the granule counts it)', () => {
    expect(tailDuration('ogg-opus')).toBe(7500);
  });

  it('is null when the tail or the head is not the Ogg stream it claims', () => {
    expect(oggDurationFromTail(bytes['ogg-opus'].subarray(-TAIL), head('ogg-vorbis'))).toBeNull(); // other serial
    expect(oggDurationFromTail(bytes['ogg-opus'].subarray(-20), head('ogg-opus'))).toBeNull();
    expect(oggDurationFromTail(bytes['ogg-opus'].subarray(-TAIL), head('webm'))).toBeNull();
    expect(oggDurationFromTail(new Uint8Array(), new Uint8Array())).toBeNull();
  });

  it('skips a corrupted last page (bad CRC) and uses the previous one', () => {
    const tail = Buffer.from(bytes['ogg-opus'].subarray(-TAIL));
    tail[tail.length - 1] = (tail.at(-1) ?? 0) ^ 0xff;
    const ms = oggDurationFromTail(tail, head('ogg-opus'));
    expect(ms).not.toBeNull();
    expect(ms as number).toBeLessThan(7500);
    expect(ms as number).toBeGreaterThan(6500);
  });
});

describe('cut and hostile input never throws', () => {
  const PARSED: Name[] = ['wav', 'wav-piped', 'mp3-cbr', 'mp3-vbr', 'mp3-untagged', 'flac', 'webm', 'm4a'];

  it('every prefix of a real head gives null or the right answer (never a wrong guess)', () => {
    for (const name of PARSED) {
      const tolerance = name === 'mp3-untagged' ? 300 : 100;
      for (let size = 0; size <= HEAD; size += size < 200 ? 1 : 37) {
        const ms = estimate(name, size);
        if (ms !== null) expect(Math.abs(ms - 7500), `${name} cut at ${size}`).toBeLessThanOrEqual(tolerance);
      }
    }
  });

  it('heads cut before the length field are null', () => {
    for (const name of PARSED) expect(estimate(name, 12), name).toBeNull();
    expect(oggDurationFromTail(bytes['ogg-opus'].subarray(-TAIL), head('ogg-opus', 20))).toBeNull();
  });

  it('random bytes and mutated heads give null or a finite positive length', () => {
    const kinds: ContainerKind[] = [
      'wav',
      'mp3',
      'flac',
      'webm-opus',
      'webm-other',
      'mp4',
      'aac',
      'ogg-opus',
      'unknown',
    ];
    let seed = 0x2f6b_1d3a;
    const random = (): number => {
      seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
      return seed / 2 ** 32;
    };
    const check = (value: number | null): void => {
      if (value !== null) expect(Number.isFinite(value) && value > 0).toBe(true);
    };
    for (let round = 0; round < 3000; round += 1) {
      const kind = kinds[round % kinds.length] as ContainerKind;
      const noise = Buffer.from(Array.from({ length: Math.floor(random() * 600) }, () => Math.floor(random() * 256)));
      const real = Buffer.from(head(PARSED[round % PARSED.length] as Name));
      for (let flips = 0; flips < 8; flips += 1) real[Math.floor(random() * 160)] = Math.floor(random() * 256);
      const length = random() < 0.3 ? null : Math.floor(random() * 2 ** 40);
      check(estimateDuration(noise, kind, length));
      check(estimateDuration(real, kind, length));
      check(oggDurationFromTail(noise, real));
      check(oggDurationFromTail(real, noise));
    }
  });
});
