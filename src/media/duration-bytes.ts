/**
 * Byte readers for duration parsers. Pure. Heads are cut wherever the network chunk ended, so every reader
 * returns `null` past the end instead of throwing: a parser that runs out of bytes answers "unknown".
 */

/** Longer than any plausible file we would stream; beyond it a parsed number is garbage, not a duration. */
const MAX_DURATION_SECONDS = 100 * 60 * 60;

export const has = (bytes: Uint8Array, offset: number, length: number): boolean =>
  Number.isInteger(offset) && offset >= 0 && length >= 0 && offset + length <= bytes.length;

export function ascii(bytes: Uint8Array, offset: number, length: number): string {
  if (!has(bytes, offset, length)) return '';
  return Buffer.from(bytes.buffer, bytes.byteOffset + offset, length).toString('latin1');
}

const view = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export const u8 = (bytes: Uint8Array, offset: number): number | null =>
  has(bytes, offset, 1) ? (bytes[offset] ?? null) : null;

export const u16be = (bytes: Uint8Array, offset: number): number | null =>
  has(bytes, offset, 2) ? view(bytes).getUint16(offset, false) : null;

export const u16le = (bytes: Uint8Array, offset: number): number | null =>
  has(bytes, offset, 2) ? view(bytes).getUint16(offset, true) : null;

export const u32be = (bytes: Uint8Array, offset: number): number | null =>
  has(bytes, offset, 4) ? view(bytes).getUint32(offset, false) : null;

export const u32le = (bytes: Uint8Array, offset: number): number | null =>
  has(bytes, offset, 4) ? view(bytes).getUint32(offset, true) : null;

/** 64-bit big-endian as a number; `null` when it does not fit a safe integer (never a real length). */
export function u64be(bytes: Uint8Array, offset: number): number | null {
  const high = u32be(bytes, offset);
  const low = u32be(bytes, offset + 4);
  if (high === null || low === null || high >= 2 ** 21) return null;
  return high * 2 ** 32 + low;
}

/** 64-bit little-endian as a number; `null` for -1 ("no position") and values beyond a safe integer. */
export function u64le(bytes: Uint8Array, offset: number): number | null {
  const low = u32le(bytes, offset);
  const high = u32le(bytes, offset + 4);
  if (high === null || low === null || high >= 2 ** 21) return null;
  return high * 2 ** 32 + low;
}

export function float(bytes: Uint8Array, offset: number, size: number): number | null {
  if (!has(bytes, offset, size)) return null;
  if (size === 4) return view(bytes).getFloat32(offset, false);
  if (size === 8) return view(bytes).getFloat64(offset, false);
  return null;
}

/** Seconds → whole milliseconds, or `null` when the number cannot be a real track length. */
export function toMs(seconds: number): number | null {
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_DURATION_SECONDS) return null;
  const ms = Math.round(seconds * 1000);
  return ms > 0 ? ms : null;
}

/** Last-resort guard for the public entry points: a parser bug must cost the duration, never the track. */
export function safely<T>(parse: () => T | null): T | null {
  try {
    return parse();
  } catch {
    return null;
  }
}
