import { float, toMs, u8 } from './duration-bytes.js';

const EBML_HEADER = 0x1a45dfa3;
const SEGMENT = 0x18538067;
const INFO = 0x1549a966;
const CLUSTER = 0x1f43b675;
const TIMECODE_SCALE = 0x2ad7b1;
const DURATION = 0x4489;
/** Matroska's default: timestamps in milliseconds. */
const DEFAULT_SCALE_NS = 1_000_000;

interface Element {
  readonly id: number;
  readonly dataStart: number;
  /** `null` for "unknown size" (a live or piped writer that never went back to fill it in). */
  readonly size: number | null;
}

/** An EBML variable-length integer: the leading zero bits give its width; `keepMarker` for element ids. */
function readVint(bytes: Uint8Array, offset: number, keepMarker: boolean): { value: number; width: number } | null {
  const first = u8(bytes, offset);
  if (!first) return null;
  const width = Math.clz32(first) - 23;
  if (width > 8 || offset + width > bytes.length) return null;
  let value = keepMarker ? first : first & (0xff >> width);
  let allOnes = value === 0xff >> width;
  for (let i = 1; i < width; i += 1) {
    const byte = bytes[offset + i] ?? 0;
    value = value * 256 + byte;
    allOnes &&= byte === 0xff;
  }
  return { value: !keepMarker && allOnes ? -1 : value, width };
}

function readElement(bytes: Uint8Array, offset: number): Element | null {
  const id = readVint(bytes, offset, true);
  if (!id || id.width > 4) return null;
  const size = readVint(bytes, offset + id.width, false);
  if (!size) return null;
  return { id: id.value, dataStart: offset + id.width + size.width, size: size.value < 0 ? null : size.value };
}

function readUint(bytes: Uint8Array, element: Element): number | null {
  if (element.size === null || element.size < 1 || element.size > 6) return null;
  let value = 0;
  for (let i = 0; i < element.size; i += 1) {
    const byte = u8(bytes, element.dataStart + i);
    if (byte === null) return null;
    value = value * 256 + byte;
  }
  return value;
}

/** Segment → Info: Duration (a float in TimecodeScale units) × TimecodeScale (ns). */
function infoDuration(bytes: Uint8Array, info: Element): number | null {
  // Info is small; reading half of it could pair a Duration with a TimecodeScale that was cut off.
  if (info.size === null || info.dataStart + info.size > bytes.length) return null;
  const end = info.dataStart + info.size;
  let scale = DEFAULT_SCALE_NS;
  let duration: number | null = null;
  for (let offset = info.dataStart; offset < end; ) {
    const child = readElement(bytes, offset);
    if (!child || child.size === null) break;
    if (child.id === TIMECODE_SCALE) scale = readUint(bytes, child) ?? scale;
    if (child.id === DURATION) duration = float(bytes, child.dataStart, child.size);
    offset = child.dataStart + child.size;
  }
  return duration === null ? null : toMs((duration * scale) / 1e9);
}

/**
 * WebM/Matroska length from Segment → Info → Duration, which writers put before the first Cluster (so in
 * the head). Pure. Live or piped WebM has no Duration: that stays unknown, as it should.
 */
export function ebmlDurationMs(head: Uint8Array): number | null {
  const header = readElement(head, 0);
  if (!header || header.id !== EBML_HEADER || header.size === null) return null;
  const segment = readElement(head, header.dataStart + header.size);
  if (!segment || segment.id !== SEGMENT) return null;
  for (let offset = segment.dataStart; offset < head.length; ) {
    const child = readElement(head, offset);
    if (!child || child.id === CLUSTER) return null;
    if (child.id === INFO) return infoDuration(head, child);
    if (child.size === null) return null;
    offset = child.dataStart + child.size;
  }
  return null;
}
