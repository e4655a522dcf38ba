import { ascii, has, safely, toMs, u16le, u32le, u64le, u8 } from './duration-bytes.js';
import { readStreamInfo } from './duration-flac.js';

/** What the first (BOS) page says about the stream whose length we want. */
interface OggStream {
  readonly serial: number;
  /** Granule positions count samples at this rate (always 48 kHz for Opus). */
  readonly rate: number;
  /** Samples at the start that decoders drop (Opus pre-skip); not part of the length. */
  readonly preSkip: number;
}

interface OggPage {
  readonly serial: number;
  /** `null` when no packet ends on this page (granule -1). */
  readonly granule: number | null;
  readonly bodyStart: number;
  readonly end: number;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i += 1) {
    let r = i << 24;
    for (let bit = 0; bit < 8; bit += 1) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** Ogg's page CRC (checksum field counted as zero): "OggS" also turns up inside compressed audio by chance. */
function pageCrc(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i += 1) {
    const byte = i - start >= 22 && i - start < 26 ? 0 : (bytes[i] ?? 0);
    crc = ((crc << 8) ^ (CRC_TABLE[((crc >>> 24) ^ byte) & 0xff] ?? 0)) >>> 0;
  }
  return crc;
}

/** The page at `offset` if it is whole and its CRC matches; `null` otherwise. */
function readPage(bytes: Uint8Array, offset: number): OggPage | null {
  if (ascii(bytes, offset, 4) !== 'OggS' || u8(bytes, offset + 4) !== 0) return null;
  const segments = u8(bytes, offset + 26);
  if (segments === null || !has(bytes, offset + 27, segments)) return null;
  let bodyLength = 0;
  for (let i = 0; i < segments; i += 1) bodyLength += bytes[offset + 27 + i] ?? 0;
  const bodyStart = offset + 27 + segments;
  const end = bodyStart + bodyLength;
  const serial = u32le(bytes, offset + 14);
  if (end > bytes.length || serial === null || pageCrc(bytes, offset, end) !== u32le(bytes, offset + 22)) return null;
  return { serial, granule: u64le(bytes, offset + 6), bodyStart, end };
}

/** Opus, Vorbis or FLAC identification header at the start of the first page's body. */
function identify(head: Uint8Array, page: OggPage): OggStream | null {
  const at = page.bodyStart;
  if (ascii(head, at, 8) === 'OpusHead') {
    const preSkip = u16le(head, at + 10);
    return preSkip === null ? null : { serial: page.serial, rate: 48_000, preSkip };
  }
  if (ascii(head, at, 7) === '\x01vorbis') {
    const rate = u32le(head, at + 12);
    return rate ? { serial: page.serial, rate, preSkip: 0 } : null;
  }
  if (ascii(head, at, 5) === '\x7fFLAC' && ascii(head, at + 9, 4) === 'fLaC') {
    const info = readStreamInfo(head, at + 13);
    return info ? { serial: page.serial, rate: info.sampleRate, preSkip: 0 } : null;
  }
  return null;
}

/** Whether the head names a stream `oggDurationFromTail` can measure (Opus, Vorbis, FLAC): if not, skip the fetch. */
export function canMeasureOgg(head: Uint8Array): boolean {
  return (
    safely(() => {
      const first = readPage(head, 0);
      return first ? identify(head, first) : null;
    }) !== null
  );
}

/**
 * Ogg length: the granule position of the stream's last page (samples played by the end) minus Opus
 * pre-skip, over the rate from the identification header in `head`. Pure. `tail` is the end of the file
 * (any length; a page cut at its start is skipped); pages of other multiplexed streams are ignored.
 */
export function oggDurationFromTail(tail: Uint8Array, head: Uint8Array): number | null {
  return safely(() => {
    const first = readPage(head, 0);
    const stream = first ? identify(head, first) : null;
    if (!stream) return null;
    for (let offset = tail.length - 27; offset >= 0; offset -= 1) {
      if (tail[offset] !== 0x4f) continue;
      const page = readPage(tail, offset);
      if (!page || page.serial !== stream.serial || page.granule === null) continue;
      return toMs((page.granule - stream.preSkip) / stream.rate);
    }
    return null;
  });
}
