import { mp4MoovEnd, readMp4Tags } from './mp4-tags.js';

/**
 * Title and artist from the first bytes of an audio file (local, or the head of an HTTP download): ID3v2
 * (MP3), FLAC's VORBIS_COMMENT block, Ogg Vorbis/Opus comment headers and MP4 `ilst` items; ID3v1 from the
 * last 128 bytes where those are at hand. Cheap on purpose — one bounded read per file while indexing, no decoder,
 * no dependency. Pure; never throws: anything unreadable yields no tags (the file name is used instead).
 */

export interface AudioTags {
  readonly title?: string;
  readonly artist?: string;
}

/** Bytes worth reading per file (covers typical ID3 tags without cover art, and comment headers). */
export const TAG_READ_BYTES = 64 * 1024;

const clean = (text: string | undefined): string | undefined => {
  const value = text?.replace(/\0+$/g, '').replace(/\0/g, ' / ').trim();
  return value ? value.slice(0, 200) : undefined;
};

const syncsafe = (b: Buffer, at: number): number =>
  ((b[at] ?? 0) << 21) | ((b[at + 1] ?? 0) << 14) | ((b[at + 2] ?? 0) << 7) | (b[at + 3] ?? 0);

/** An ID3v2 text frame body: an encoding byte, then the text. */
function id3Text(body: Buffer): string | undefined {
  const encoding = body[0];
  const data = body.subarray(1);
  if (encoding === 0) return clean(data.toString('latin1'));
  if (encoding === 3) return clean(data.toString('utf8'));
  if (encoding === 1 || encoding === 2) {
    let bytes = data;
    let bigEndian = encoding === 2;
    if (bytes[0] === 0xfe && bytes[1] === 0xff) [bytes, bigEndian] = [bytes.subarray(2), true];
    else if (bytes[0] === 0xff && bytes[1] === 0xfe) [bytes, bigEndian] = [bytes.subarray(2), false];
    const even = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
    if (bigEndian) even.swap16();
    return clean(even.toString('utf16le'));
  }
  return undefined;
}

function readId3(b: Buffer): AudioTags {
  const major = b[3] ?? 0;
  if (major < 2 || major > 4) return {};
  const end = Math.min(b.length, 10 + syncsafe(b, 6));
  const [idLength, headerLength] = major === 2 ? [3, 6] : [4, 10];
  const names = major === 2 ? { title: 'TT2', artist: 'TP1' } : { title: 'TIT2', artist: 'TPE1' };
  const tags: { title?: string; artist?: string } = {};
  let at = 10;
  // An extended header (flag 0x40): v2.4 counts its own size field (syncsafe), v2.3 does not.
  if ((b[5] ?? 0) & 0x40) at += major === 4 ? syncsafe(b, 10) : major === 3 ? 4 + b.readUInt32BE(10) : 0;
  while (at + headerLength <= end && b[at] !== 0) {
    const id = b.toString('latin1', at, at + idLength);
    const size = major === 2 ? b.readUIntBE(at + 3, 3) : major === 4 ? syncsafe(b, at + 4) : b.readUInt32BE(at + 4);
    const body = b.subarray(at + headerLength, Math.min(end, at + headerLength + size));
    if (id === names.title) tags.title = id3Text(body);
    else if (id === names.artist) tags.artist = id3Text(body);
    if (size <= 0) break;
    at += headerLength + size;
  }
  return tags;
}

/** Vorbis comments: vendor string, count, then `KEY=value` entries (little-endian lengths). */
function readVorbisComments(b: Buffer, at: number): AudioTags {
  const tags: { title?: string; artist?: string } = {};
  const u32 = (p: number) => (p + 4 <= b.length ? b.readUInt32LE(p) : -1);
  const vendor = u32(at);
  if (vendor < 0) return tags;
  let p = at + 4 + vendor;
  const count = u32(p);
  p += 4;
  for (let i = 0; i < count && i < 1000; i++) {
    const length = u32(p);
    if (length < 0 || p + 4 + length > b.length) break;
    const entry = b.toString('utf8', p + 4, p + 4 + length);
    const eq = entry.indexOf('=');
    const key = entry.slice(0, eq).toUpperCase();
    if (key === 'TITLE') tags.title ??= clean(entry.slice(eq + 1));
    else if (key === 'ARTIST') tags.artist ??= clean(entry.slice(eq + 1));
    p += 4 + length;
  }
  return tags;
}

function readFlac(b: Buffer): AudioTags {
  let at = 4;
  while (at + 4 <= b.length) {
    const header = b[at] ?? 0;
    const length = b.readUIntBE(at + 1, 3);
    if ((header & 0x7f) === 4) return readVorbisComments(b, at + 4);
    if (header & 0x80) break;
    at += 4 + length;
  }
  return {};
}

/** Ogg: the comment header follows `\x03vorbis` or `OpusTags` (usually within the first pages). */
function readOgg(b: Buffer): AudioTags {
  const opus = b.indexOf('OpusTags', 0, 'latin1');
  if (opus >= 0) return readVorbisComments(b, opus + 8);
  const vorbis = b.indexOf('\x03vorbis', 0, 'latin1');
  return vorbis >= 0 ? readVorbisComments(b, vorbis + 7) : {};
}

export function readTags(head: Buffer): AudioTags {
  try {
    const magic = head.toString('latin1', 0, 4);
    if (magic.startsWith('ID3')) return readId3(head);
    if (magic === 'fLaC') return readFlac(head);
    if (magic === 'OggS') return readOgg(head);
    if (head.toString('latin1', 4, 8) === 'ftyp') return readMp4Tags(head);
  } catch {
    // truncated or odd tags: fall back to the file name
  }
  return {};
}

/** ID3v1: `TAG`, then 30 bytes of title and 30 of artist (Latin-1, NUL or space padded), in a file's last 128 bytes. */
export function readId3v1(tail: Buffer): AudioTags {
  const at = tail.length - 128;
  if (at < 0 || tail.toString('latin1', at, at + 3) !== 'TAG') return {};
  const field = (from: number) => clean(tail.toString('latin1', at + from, at + from + 30).replace(/[\0 ]+$/, ''));
  const title = field(3);
  const artist = field(33);
  return { ...(title ? { title } : {}), ...(artist ? { artist } : {}) };
}

/**
 * How many head bytes the tags need, when more than `head` holds (0: the head is enough or more would not
 * help): the whole ID3v2 tag, or an MP4 index that comes before the audio. The caller caps it.
 */
export function tagBytesWanted(head: Buffer): number {
  const magic = head.toString('latin1', 0, 4);
  const wanted =
    magic.startsWith('ID3') && head.length >= 10
      ? 10 + syncsafe(head, 6)
      : head.toString('latin1', 4, 8) === 'ftyp'
        ? mp4MoovEnd(head)
        : 0;
  return wanted > head.length ? wanted : 0;
}
