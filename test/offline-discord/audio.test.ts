import { randomBytes } from 'node:crypto';
import OpusScript from 'opusscript';
import { describe, expect, it } from 'vitest';
import {
  decodeOpus,
  decryptRtpSize,
  dominantFrequency,
  encryptRtpSize,
  isSilenceFrame,
  isSilent,
  packetGapStats,
  parseRtpHeader,
  rms,
  SILENCE_FRAME,
  toMono,
} from './index.js';

/** A stereo 48 kHz Int16 sine. */
function sine(hz: number, seconds: number, amplitude = 0.25): Int16Array {
  const frames = Math.round(48_000 * seconds);
  const out = new Int16Array(frames * 2);
  for (let i = 0; i < frames; i += 1) {
    const v = Math.round(Math.sin((2 * Math.PI * hz * i) / 48_000) * amplitude * 32767);
    out[2 * i] = v;
    out[2 * i + 1] = v;
  }
  return out;
}

/** Encodes PCM into 20 ms Opus packets, as @discordjs/voice sends them. */
function encode(pcm: Int16Array): Buffer[] {
  const encoder = new OpusScript(48_000, 2, OpusScript.Application.AUDIO);
  const packets: Buffer[] = [];
  try {
    for (let offset = 0; offset + 1920 <= pcm.length; offset += 1920) {
      const frame = Buffer.from(pcm.buffer, pcm.byteOffset + offset * 2, 1920 * 2);
      packets.push(Buffer.from(encoder.encode(frame, 960)));
    }
  } finally {
    encoder.delete();
  }
  return packets;
}

describe('audio helpers', () => {
  it.each([200, 440, 997.5, 2000])('finds a %d Hz sine to within 0.5 Hz, raw and after an Opus round trip', (hz) => {
    const pcm = sine(hz, 1);
    expect(Math.abs(dominantFrequency(pcm)! - hz)).toBeLessThan(0.5);
    const decoded = decodeOpus(encode(pcm));
    expect(decoded.length).toBe(pcm.length);
    expect(Math.abs(dominantFrequency(decoded)! - hz)).toBeLessThan(0.5);
  });

  it('measures loudness and silence', () => {
    expect(rms(sine(440, 0.5, 1))).toBeCloseTo(Math.SQRT1_2, 2);
    expect(rms(toMono(sine(440, 0.5, 0.5)))).toBeCloseTo(0.5 * Math.SQRT1_2, 2);
    expect(isSilent(new Int16Array(9600))).toBe(true);
    expect(isSilent(sine(440, 0.2, 0.01))).toBe(false);
    expect(dominantFrequency(new Int16Array(96_000))).toBeNull();
    expect(dominantFrequency(sine(440, 0.01))).toBeNull();
    expect(isSilenceFrame(Buffer.from(SILENCE_FRAME))).toBe(true);
    expect(isSilent(decodeOpus([SILENCE_FRAME, SILENCE_FRAME]))).toBe(true);
  });

  it('reports packet gaps, missing sequence numbers across the 16-bit wrap, and duplicates', () => {
    const packets = [
      { seq: 65_533, arrivalMs: 0 },
      { seq: 65_534, arrivalMs: 20 },
      { seq: 65_535, arrivalMs: 40 },
      { seq: 1, arrivalMs: 100 },
      { seq: 1, arrivalMs: 101 },
      { seq: 2, arrivalMs: 121 },
    ];
    const stats = packetGapStats(packets);
    expect(stats).toMatchObject({
      packets: 6,
      missingSequences: 1,
      duplicates: 1,
      gapsOver40ms: 1,
      max: 60,
      durationMs: 121,
    });
    expect(stats.p50).toBe(20);
    expect(packetGapStats([])).toMatchObject({ packets: 0, p99: 0, max: 0 });
  });
});

describe('rtpsize transport crypto', () => {
  const header = Buffer.from([0x80, 0x78, 0x12, 0x34, 0, 0, 0x03, 0xc0, 0, 0, 0, 42]);
  it.each(['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize'] as const)(
    'round-trips %s and rejects tampering',
    (mode) => {
      const key = randomBytes(32);
      const opus = randomBytes(120);
      const packet = encryptRtpSize(header, opus, mode, key, 7);
      expect(parseRtpHeader(packet)).toEqual({ payloadType: 120, sequence: 0x1234, timestamp: 960, ssrc: 42 });
      expect(decryptRtpSize(packet, mode, key)).toEqual(opus);
      const tampered = Buffer.from(packet);
      tampered.writeUInt8(tampered.readUInt8(3) ^ 1, 3);
      expect(() => decryptRtpSize(tampered, mode, key)).toThrow();
    },
  );

  it('keeps the extension header in the AAD and strips the encrypted extension body', () => {
    const key = randomBytes(32);
    const withExtension = Buffer.concat([
      Buffer.from([0x90]),
      header.subarray(1),
      Buffer.from([0xbe, 0xde, 0x00, 0x01]),
    ]);
    const opus = randomBytes(50);
    const sealed = encryptRtpSize(
      withExtension,
      Buffer.concat([Buffer.from([1, 2, 3, 4]), opus]),
      'aead_aes256_gcm_rtpsize',
      key,
      1,
    );
    expect(decryptRtpSize(sealed, 'aead_aes256_gcm_rtpsize', key)).toEqual(opus);
  });
});
