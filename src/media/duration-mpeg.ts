import { ascii, has, toMs, u16be, u32be, u8 } from './duration-bytes.js';

/** One MPEG audio frame header, decoded. */
export interface MpegFrame {
  readonly offset: number;
  readonly mpeg1: boolean;
  readonly layer: 1 | 2 | 3;
  readonly mono: boolean;
  readonly bitrateKbps: number;
  readonly sampleRate: number;
  readonly samplesPerFrame: number;
  readonly length: number;
}

const BITRATES: Record<string, readonly number[]> = {
  '1-1': [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-3': [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES = [44100, 48000, 32000];
/** Version bits → sample-rate divisor (MPEG-1, MPEG-2, MPEG-2.5); 0b01 is reserved. */
const RATE_DIVISOR: Record<number, number> = { 3: 1, 2: 2, 0: 4 };

/** Decodes the 4-byte header at `offset`, or `null` if those bytes cannot be a frame header. */
export function readFrame(bytes: Uint8Array, offset: number): MpegFrame | null {
  const header = u32be(bytes, offset);
  if (header === null || header >>> 21 !== 0x7ff) return null;
  const version = (header >>> 19) & 3;
  const layer = (4 - ((header >>> 17) & 3)) as 1 | 2 | 3 | 4;
  const bitrateIndex = (header >>> 12) & 15;
  const rateIndex = (header >>> 10) & 3;
  const divisor = RATE_DIVISOR[version];
  const base = SAMPLE_RATES[rateIndex];
  if (divisor === undefined || layer === 4 || base === undefined || bitrateIndex === 0 || bitrateIndex === 15)
    return null;
  const mpeg1 = version === 3;
  const bitrateKbps = BITRATES[`${mpeg1 ? 1 : 2}-${layer}`]?.[bitrateIndex - 1];
  if (bitrateKbps === undefined) return null;
  const sampleRate = base / divisor;
  const samplesPerFrame = layer === 1 ? 384 : layer === 3 && !mpeg1 ? 576 : 1152;
  const padding = (header >>> 9) & 1;
  const slot = layer === 1 ? 4 : 1;
  const length = (Math.floor(((samplesPerFrame / 8 / slot) * bitrateKbps * 1000) / sampleRate) + padding) * slot;
  const mono = ((header >>> 6) & 3) === 3;
  return { offset, mpeg1, layer, mono, bitrateKbps, sampleRate, samplesPerFrame, length };
}

/** Bytes taken by a leading ID3v2 tag (header, syncsafe size, optional footer); 0 when there is none. */
export function id3v2Size(bytes: Uint8Array): number {
  if (ascii(bytes, 0, 3) !== 'ID3') return 0;
  const size = [6, 7, 8, 9].reduce((total, i) => total * 128 + ((u8(bytes, i) ?? 0) & 0x7f), 0);
  const footer = ((u8(bytes, 5) ?? 0) & 0x10) !== 0 ? 10 : 0;
  return 10 + size + footer;
}

/**
 * The first real frame at or after `from`: a sync word alone is common in tag data, so a candidate counts only
 * when the next frame header follows where its length says (or the head ends first).
 */
export function findFirstFrame(bytes: Uint8Array, from: number): MpegFrame | null {
  for (let offset = from; offset + 4 <= bytes.length; offset += 1) {
    if (bytes[offset] !== 0xff) continue;
    const frame = readFrame(bytes, offset);
    if (!frame) continue;
    const next = offset + frame.length;
    if (next + 4 > bytes.length || readFrame(bytes, next)) return frame;
  }
  return null;
}

/** Bytes after a frame's start that cover both a Xing/Info tag's frame count and a VBRI tag's. */
const TAG_REACH = 56;

/** Where a Xing/Info tag would sit: right after the side information of the first frame. */
const xingOffset = (frame: MpegFrame): number =>
  frame.offset + 4 + (frame.mpeg1 ? (frame.mono ? 17 : 32) : frame.mono ? 9 : 17);

/**
 * Samples from a Xing/Info tag (VBR files, and CBR files LAME or ffmpeg wrote): frame count × samples per
 * frame, minus the encoder delay and padding from the LAME extension when present (that is what decoders
 * actually output). `'absent'` when there is no tag; `null` when there is one without a usable frame count.
 */
function xingSamples(bytes: Uint8Array, frame: MpegFrame): number | 'absent' | null {
  const at = xingOffset(frame);
  const tag = ascii(bytes, at, 4);
  if (tag !== 'Xing' && tag !== 'Info') return 'absent';
  const flags = u32be(bytes, at + 4);
  if (flags === null || (flags & 1) === 0) return null;
  const frames = u32be(bytes, at + 8);
  if (!frames) return null;
  const samples = frames * frame.samplesPerFrame;
  const lame = at + 8 + [1, 2, 4, 8].reduce((sum, bit) => sum + ((flags & bit) === 0 ? 0 : bit === 4 ? 100 : 4), 0);
  const trim = encoderTrim(bytes, lame);
  return trim !== null && trim < samples ? samples - trim : samples;
}

/** Delay + padding (12 bits each) from a LAME-style extension, identified by its printable encoder name. */
function encoderTrim(bytes: Uint8Array, at: number): number | null {
  if (!has(bytes, at, 24) || !/^[A-Za-z][\x20-\x7e]{3}/.test(ascii(bytes, at, 4))) return null;
  const a = u8(bytes, at + 21) ?? 0;
  const b = u8(bytes, at + 22) ?? 0;
  const c = u8(bytes, at + 23) ?? 0;
  return ((a << 4) | (b >> 4)) + (((b & 0x0f) << 8) | c);
}

/** Samples from a Fraunhofer VBRI tag, which always sits 32 bytes after the first frame's header. */
function vbriSamples(bytes: Uint8Array, frame: MpegFrame): number | 'absent' | null {
  const at = frame.offset + 36;
  if (ascii(bytes, at, 4) !== 'VBRI') return 'absent';
  if (u16be(bytes, at + 4) === null) return null;
  const frames = u32be(bytes, at + 14);
  return frames ? frames * frame.samplesPerFrame : null;
}

/**
 * MP3 length: exact from a Xing/Info or VBRI tag; otherwise a constant-bitrate estimate from the first
 * frame's bitrate over the bytes after the ID3v2 tag (needs the content length; wrong for VBR without a tag,
 * which is rare since every common encoder writes one).
 */
export function mp3DurationMs(head: Uint8Array, contentLength: number | null): number | null {
  const frame = findFirstFrame(head, id3v2Size(head));
  // Both tag positions must be in the head: guessing "no tag" from a cut head would misjudge a VBR file.
  if (!frame || !has(head, frame.offset, TAG_REACH)) return null;
  const xing = xingSamples(head, frame);
  const samples = xing === 'absent' ? vbriSamples(head, frame) : xing;
  if (samples === null) return null;
  if (samples !== 'absent') return toMs(samples / frame.sampleRate);
  if (contentLength === null || contentLength <= frame.offset) return null;
  return toMs(((contentLength - frame.offset) * 8) / (frame.bitrateKbps * 1000));
}
