import { ascii, toMs, u32le } from './duration-bytes.js';

/** ffmpeg writing to a pipe (and some streaming servers) leave the data size at 0 or 0xFFFFFFFF. */
const isUnsetSize = (size: number): boolean => size === 0 || size === 0xffffffff;

/**
 * WAV length from the head: `data` chunk bytes / `fmt ` byte rate. Pure. When the data size was never filled
 * in, or claims more than the file holds, the content length stands in for it (PCM has no other framing to
 * go by, and the bytes actually served are what will play).
 */
export function wavDurationMs(head: Uint8Array, contentLength: number | null): number | null {
  if (ascii(head, 0, 4) !== 'RIFF' || ascii(head, 8, 4) !== 'WAVE') return null;
  let byteRate: number | null = null;
  let offset = 12;
  while (offset + 8 <= head.length) {
    const id = ascii(head, offset, 4);
    const size = u32le(head, offset + 4);
    if (size === null) return null;
    if (id === 'fmt ') byteRate = u32le(head, offset + 16);
    if (id === 'data') return dataDuration(size, offset + 8, byteRate, contentLength);
    offset += 8 + size + (size & 1);
  }
  return null;
}

function dataDuration(
  size: number,
  start: number,
  byteRate: number | null,
  contentLength: number | null,
): number | null {
  if (!byteRate) return null;
  const served = contentLength === null ? null : contentLength - start;
  let bytes: number | null = size;
  if (isUnsetSize(size)) bytes = served;
  else if (served !== null) bytes = Math.min(size, served);
  return bytes === null || bytes <= 0 ? null : toMs(bytes / byteRate);
}
