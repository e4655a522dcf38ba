import { ascii, toMs, u32be, u8 } from './duration-bytes.js';

/** Where STREAMINFO sits and what it says: enough for FLAC files and for FLAC in Ogg (whose granule counts samples). */
export interface StreamInfo {
  readonly sampleRate: number;
  /** 0 when the encoder did not know it (a FLAC stream written to a pipe). */
  readonly totalSamples: number;
}

/**
 * Reads the STREAMINFO block whose 4-byte metadata header starts at `offset`. Pure. FLAC requires
 * STREAMINFO to be the first metadata block, so anything else there means the bytes are not what they claim.
 */
export function readStreamInfo(bytes: Uint8Array, offset: number): StreamInfo | null {
  const type = u8(bytes, offset);
  if (type === null || (type & 0x7f) !== 0) return null;
  const s = offset + 4;
  const b10 = u8(bytes, s + 10);
  const b11 = u8(bytes, s + 11);
  const b12 = u8(bytes, s + 12);
  const b13 = u8(bytes, s + 13);
  const low = u32be(bytes, s + 14);
  if (b10 === null || b11 === null || b12 === null || b13 === null || low === null) return null;
  const sampleRate = (b10 << 12) | (b11 << 4) | (b12 >> 4);
  if (sampleRate === 0) return null;
  return { sampleRate, totalSamples: (b13 & 0x0f) * 2 ** 32 + low };
}

/** FLAC length from STREAMINFO (total samples / sample rate), which the encoder writes at the very start. */
export function flacDurationMs(head: Uint8Array): number | null {
  if (ascii(head, 0, 4) !== 'fLaC') return null;
  const info = readStreamInfo(head, 4);
  if (!info || info.totalSamples === 0) return null;
  return toMs(info.totalSamples / info.sampleRate);
}
