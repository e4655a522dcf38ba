/**
 * Byte-exact tag headers as encoders write them (ID3v2.3/2.4 frames, FLAC VORBIS_COMMENT, Ogg Opus
 * OpusTags), so the tag reader is tested on the real layouts rather than on its own idea of them.
 */

const syncsafe = (n: number): Buffer => Buffer.from([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f]);

function textFrame(id: string, text: string, version: 3 | 4, encoding: 0 | 1 | 3): Buffer {
  const body =
    encoding === 0
      ? Buffer.from(text, 'latin1')
      : encoding === 3
        ? Buffer.from(`${text}\0`, 'utf8')
        : Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${text}\0`, 'utf16le')]);
  const payload = Buffer.concat([Buffer.from([encoding]), body]);
  const size =
    version === 4
      ? syncsafe(payload.length)
      : Buffer.from([0, 0, 0, 0].map((_, i) => (payload.length >> (24 - 8 * i)) & 0xff));
  return Buffer.concat([Buffer.from(id, 'latin1'), size, Buffer.from([0, 0]), payload]);
}

/** An MP3 file head: ID3v2 tag (with padding, as most taggers leave) then an MPEG frame header. */
export function id3File(title: string, artist: string, version: 3 | 4 = 3, encoding: 0 | 1 | 3 = 0): Buffer {
  const frames = Buffer.concat([
    textFrame('TIT2', title, version, encoding),
    textFrame('TPE1', artist, version, encoding),
    Buffer.alloc(256),
  ]);
  const header = Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from([version, 0, 0]), syncsafe(frames.length)]);
  return Buffer.concat([header, frames, Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(2000)]);
}

function vorbisComments(vendor: string, comments: string[]): Buffer {
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
  };
  const parts = [u32(Buffer.byteLength(vendor)), Buffer.from(vendor), u32(comments.length)];
  for (const c of comments) parts.push(u32(Buffer.byteLength(c)), Buffer.from(c));
  return Buffer.concat(parts);
}

/** A FLAC head: STREAMINFO, then VORBIS_COMMENT as the last metadata block. */
export function flacFile(comments: string[]): Buffer {
  const streaminfo = Buffer.alloc(34);
  const block = vorbisComments('reference libFLAC 1.4.3 20230623', comments);
  const header = (type: number, length: number, last: boolean) =>
    Buffer.from([(last ? 0x80 : 0) | type, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff]);
  return Buffer.concat([
    Buffer.from('fLaC'),
    header(0, 34, false),
    streaminfo,
    header(4, block.length, true),
    block,
    Buffer.alloc(1000),
  ]);
}

/** An Ogg Opus head: the OpusHead page, then the OpusTags packet (page headers simplified to the magic). */
export function opusFile(comments: string[]): Buffer {
  const page = (payload: Buffer) => Buffer.concat([Buffer.from('OggS\0'), Buffer.alloc(22), payload]);
  const head = Buffer.concat([Buffer.from('OpusHead'), Buffer.from([1, 2, 0x38, 1, 0x80, 0xbb, 0, 0, 0, 0, 0])]);
  const tags = Buffer.concat([Buffer.from('OpusTags'), vorbisComments('Lavf60.16.100', comments)]);
  return Buffer.concat([page(head), page(tags), Buffer.alloc(1000)]);
}
