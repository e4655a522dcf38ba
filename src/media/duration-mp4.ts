import { ascii, toMs, u32be, u64be, u8 } from './duration-bytes.js';

interface Box {
  readonly type: string;
  readonly start: number;
  readonly dataStart: number;
  /** Where the box ends (may lie past the head). */
  readonly end: number;
}

function readBox(bytes: Uint8Array, offset: number, limit: number): Box | null {
  const size32 = u32be(bytes, offset);
  const type = ascii(bytes, offset + 4, 4);
  if (size32 === null || type.length < 4) return null;
  const large = size32 === 1 ? u64be(bytes, offset + 8) : null;
  const header = size32 === 1 ? 16 : 8;
  const size = size32 === 0 ? limit - offset : size32 === 1 ? large : size32;
  if (size === null || size < header) return null;
  return { type, start: offset, dataStart: offset + header, end: offset + size };
}

/** mvhd: duration / timescale (version 0 has 32-bit times, version 1 64-bit). */
function mvhdDuration(bytes: Uint8Array, box: Box): number | null {
  const version = u8(bytes, box.dataStart);
  const at = box.dataStart + (version === 1 ? 20 : 12);
  const timescale = u32be(bytes, at);
  const duration = version === 1 ? u64be(bytes, at + 4) : u32be(bytes, at + 4);
  if (!timescale || duration === null || duration === 0xffffffff) return null;
  return toMs(duration / timescale);
}

/** The top-level moov box if its header is in the head (boxes before it are skipped by their sizes). */
function findMoov(head: Uint8Array): Box | null {
  for (let box = readBox(head, 0, Infinity); box; box = readBox(head, box.end, Infinity)) {
    if (box.type === 'moov') return box;
    if (box.type === 'mdat') return null;
  }
  return null;
}

/**
 * MP4/M4A length from moov → mvhd (duration / timescale). Pure. Only fast-start files have moov in the head;
 * for the others (moov after the media data, at the end) the length stays unknown. Fast-start writers put
 * mvhd within the first hundred bytes (ffmpeg: byte 40), so the usual 4 KB head is enough.
 */
export function mp4DurationMs(head: Uint8Array): number | null {
  if (ascii(head, 4, 4) !== 'ftyp') return null;
  const moov = findMoov(head);
  if (!moov) return null;
  for (let offset = moov.dataStart; offset < Math.min(moov.end, head.length); ) {
    const child = readBox(head, offset, moov.end);
    if (!child) return null;
    if (child.type === 'mvhd') return child.end <= head.length ? mvhdDuration(head, child) : null;
    offset = child.end;
  }
  return null;
}
