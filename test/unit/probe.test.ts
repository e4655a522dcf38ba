import { describe, expect, it } from 'vitest';
import { isPassthrough, isPlayableByFfmpeg, probeContainer } from '../../src/media/probe.js';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('probeContainer', () => {
  it('recognises Opus containers that can be passed through', () => {
    expect(probeContainer(bytes('OggS', [0, 2], '\0'.repeat(22), 'OpusHead'))).toBe('ogg-opus');
    expect(probeContainer(bytes([0x1a, 0x45, 0xdf, 0xa3], 'xxxxA_OPUSxx'))).toBe('webm-opus');
    expect(isPassthrough('ogg-opus') && isPassthrough('webm-opus')).toBe(true);
  });

  it('routes other audio to ffmpeg', () => {
    expect(probeContainer(bytes('OggS', '\0'.repeat(24), '\x01vorbis'))).toBe('ogg-other');
    expect(probeContainer(bytes('ID3', [4, 0]))).toBe('mp3');
    expect(probeContainer(bytes([0xff, 0xfb, 0x90, 0x00]))).toBe('mp3');
    expect(probeContainer(bytes('fLaC'))).toBe('flac');
    expect(probeContainer(bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '))).toBe('wav');
    expect(probeContainer(bytes([0, 0, 0, 0x20], 'ftypM4A '))).toBe('mp4');
  });

  it('refuses what is clearly not audio', () => {
    expect(probeContainer(new Uint8Array())).toBe('empty');
    expect(probeContainer(bytes('<!DOCTYPE html><html>'))).toBe('html');
    expect(probeContainer(bytes('\n  <html><body>'))).toBe('html');
    expect(probeContainer(bytes('#EXTM3U\n#EXTINF:'))).toBe('playlist');
    expect(isPlayableByFfmpeg('html', 'audio/mpeg')).toBe(false);
    expect(isPlayableByFfmpeg('unknown', 'text/plain')).toBe(false);
    expect(isPlayableByFfmpeg('unknown', 'audio/aac')).toBe(true);
  });
});
