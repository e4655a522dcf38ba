/**
 * Container sniffing from the first bytes of a stream. Pure. Decides the pipeline: Ogg/Opus and WebM/Opus
 * are passed through to Discord untouched (no ffmpeg, no re-encode: the cheapest path); other audio goes
 * through ffmpeg; things that are clearly not audio are refused before ffmpeg ever sees them.
 */
export type ContainerKind =
  | 'ogg-opus'
  | 'webm-opus'
  | 'ogg-other'
  | 'webm-other'
  | 'mp3'
  | 'flac'
  | 'wav'
  | 'mp4'
  | 'aac'
  | 'playlist'
  | 'html'
  | 'empty'
  | 'unknown';

const ascii = (bytes: Uint8Array, from: number, length: number): string =>
  Buffer.from(bytes.subarray(from, from + length)).toString('latin1');

const contains = (bytes: Uint8Array, needle: string): boolean => Buffer.from(bytes).includes(needle, 0, 'latin1');

/** `head` should be at least the first ~4 KB when available (WebM codec ids sit a little way in). */
export function probeContainer(head: Uint8Array): ContainerKind {
  if (head.length === 0) return 'empty';
  if (ascii(head, 0, 4) === 'OggS') return contains(head, 'OpusHead') ? 'ogg-opus' : 'ogg-other';
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) {
    return contains(head, 'A_OPUS') ? 'webm-opus' : 'webm-other';
  }
  if (ascii(head, 0, 3) === 'ID3') return 'mp3';
  if (ascii(head, 0, 4) === 'fLaC') return 'flac';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WAVE') return 'wav';
  if (ascii(head, 4, 4) === 'ftyp') return 'mp4';
  if (head[0] === 0xff && head.length > 1 && ((head[1] ?? 0) & 0xf6) === 0xf0) return 'aac';
  if (head[0] === 0xff && head.length > 1 && ((head[1] ?? 0) & 0xe0) === 0xe0) return 'mp3';
  const text = ascii(head, 0, 512)
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart()
    .toLowerCase();
  if (
    text.startsWith('#extm3u') ||
    text.startsWith('[playlist]') ||
    (text.startsWith('<?xml') && text.includes('<playlist'))
  ) {
    return 'playlist';
  }
  if (text.startsWith('<!doctype') || text.startsWith('<html') || text.startsWith('<?xml') || text.startsWith('{')) {
    return 'html';
  }
  return 'unknown';
}

/** Passthrough kinds need no ffmpeg at all when playback starts at 0 at 100% volume. */
export const isPassthrough = (kind: ContainerKind): kind is 'ogg-opus' | 'webm-opus' =>
  kind === 'ogg-opus' || kind === 'webm-opus';

/** Whether ffmpeg should be given a chance: known audio, or unknown bytes the origin calls audio. */
export function isPlayableByFfmpeg(kind: ContainerKind, contentType: string | undefined): boolean {
  if (kind === 'html' || kind === 'empty' || kind === 'playlist') return false;
  if (kind !== 'unknown') return true;
  const type = (contentType ?? '').toLowerCase();
  return type.startsWith('audio/') || type.startsWith('video/') || type === 'application/ogg';
}
