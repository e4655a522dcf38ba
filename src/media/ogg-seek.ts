import { Transform, type TransformCallback } from 'node:stream';

/** Ogg page header: "OggS", version, type, granule (int64 LE at 6), serial, sequence, CRC, segment count (26). */
const HEADER_BYTES = 27;
const OPUS_RATE_PER_MS = 48;
/** Frame durations in tenths of a millisecond by TOC config, per mode (RFC 6716 table 2). */
const SILK_TENTHS_MS = [100, 200, 400, 600];
const HYBRID_TENTHS_MS = [100, 200];
const CELT_TENTHS_MS = [25, 50, 100, 200];

/**
 * Seeks in an Ogg/Opus stream without decoding: the header pages (OpusHead, OpusTags) pass, audio pages that
 * end before the target are dropped, and everything from the page holding the target on passes untouched.
 * This keeps a seek (or a mid-track change back to no filter) on the passthrough pipeline: no ffmpeg, no
 * re-encode. Pages are whole units for the demuxer (it never joins packets across pages), so dropping pages
 * is safe. The first kept page is trimmed to the packet holding the target, so precision is one Opus frame.
 *
 * Memory is bounded by one page (at most 27 + 255 + 255 × 255 bytes).
 */
export class OggSeek extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  /** Granule (48 kHz samples, including the pre-skip) the first kept audio page must reach; known after OpusHead. */
  private target: bigint | undefined;
  private seeking = true;

  constructor(private readonly startMs: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (!this.seeking) return done(null, chunk);
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      const size = pageSize(this.pending);
      if (size === undefined) return done();
      if (size < 0) return done(new Error('not an Ogg stream'));
      const page = this.pending.subarray(0, size);
      this.pending = this.pending.subarray(size);
      this.onPage(page);
      if (!this.seeking) {
        const rest = this.pending;
        this.pending = Buffer.alloc(0);
        return done(null, rest.length > 0 ? rest : undefined);
      }
    }
  }

  private onPage(page: Buffer): void {
    const granule = page.readBigInt64LE(6);
    const body = page.subarray(HEADER_BYTES + (page[26] ?? 0));
    if (this.target === undefined) {
      // OpusHead: pre-skip (uint16 LE at 10) samples precede the first audible one.
      if (body.subarray(0, 8).toString('latin1') === 'OpusHead') {
        this.target = BigInt(body.readUInt16LE(10)) + BigInt(Math.round(this.startMs * OPUS_RATE_PER_MS));
      }
      this.push(page);
      return;
    }
    if (granule <= 0n) {
      this.push(page); // OpusTags (and any further header page) carry no audio
      return;
    }
    if (granule < this.target) return;
    this.seeking = false;
    this.push(trimPage(page, granule, this.target));
  }
}

/**
 * The first kept page without its packets that end before `target`, so a seek is precise to one Opus frame
 * (20 ms) however long the encoder's pages are. A leading fragment (the rest of a packet begun on a dropped
 * page) goes too. Returns the page unchanged when there is nothing to drop.
 */
function trimPage(page: Buffer, granule: bigint, target: bigint): Buffer {
  const segments = page[26] ?? 0;
  const lacing = page.subarray(HEADER_BYTES, HEADER_BYTES + segments);
  const packets: Array<{ start: number; end: number; laces: number[]; complete: boolean }> = [];
  let offset = HEADER_BYTES + segments;
  let current: { start: number; end: number; laces: number[]; complete: boolean } | undefined;
  for (const lace of lacing) {
    current ??= { start: offset, end: offset, laces: [], complete: false };
    current.laces.push(lace);
    current.end += lace;
    offset += lace;
    if (lace < 255) {
      current.complete = true;
      packets.push(current);
      current = undefined;
    }
  }
  if (current) packets.push(current);
  const continued = ((page[5] ?? 0) & 0x01) !== 0;
  // Walk back from the page's granule (the end of its last complete packet) to find where each packet ends.
  let end = granule;
  const ends = new Array<bigint>(packets.length);
  for (let i = packets.length - 1; i >= 0; i -= 1) {
    const packet = packets[i];
    if (!packet?.complete) continue;
    ends[i] = end;
    end -= BigInt(opusSamples(page.subarray(packet.start, packet.end)));
  }
  const keep = packets.filter((packet, i) => !(i === 0 && continued) && (!packet.complete || (ends[i] ?? 0n) > target));
  if (keep.length === packets.length) return page;
  const laces = keep.flatMap((packet) => packet.laces);
  const header = Buffer.from(page.subarray(0, HEADER_BYTES));
  header[5] = (header[5] ?? 0) & ~0x01;
  header[26] = laces.length;
  header.writeUInt32LE(0, 22);
  const out = Buffer.concat([
    header,
    Buffer.from(laces),
    ...keep.map((packet) => page.subarray(packet.start, packet.end)),
  ]);
  out.writeUInt32LE(oggCrc(out), 22);
  return out;
}

/** 48 kHz samples in one Opus packet, from its TOC byte (RFC 6716 §3.1). */
function opusSamples(packet: Buffer): number {
  const toc = packet[0] ?? 0;
  const config = toc >> 3;
  // RFC 6716 §3.1: SILK configs 0-11 (10/20/40/60 ms), hybrid 12-15 (10/20 ms), CELT 16-31 (2.5/5/10/20 ms).
  const table = config < 12 ? SILK_TENTHS_MS : config < 16 ? HYBRID_TENTHS_MS : CELT_TENTHS_MS;
  const tenthsMs = table[config % table.length] ?? 200;
  const code = toc & 0x03;
  const frames = code === 0 ? 1 : code === 3 ? (packet[1] ?? 0) & 0x3f : 2;
  return (tenthsMs * 48 * frames) / 10;
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let r = n << 24;
  for (let i = 0; i < 8; i += 1) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
  return r >>> 0;
});

/** The Ogg page checksum (CRC-32, polynomial 0x04c11db7, no reflection), over the page with its CRC field zeroed. */
function oggCrc(page: Buffer): number {
  let crc = 0;
  for (const byte of page) crc = ((crc << 8) ^ (CRC_TABLE[((crc >>> 24) ^ byte) & 0xff] ?? 0)) >>> 0;
  return crc;
}

/** Bytes of the page at the start of `buffer`, undefined if it is not all there yet, -1 if it is no Ogg page. */
function pageSize(buffer: Buffer): number | undefined {
  if (buffer.length < HEADER_BYTES) return undefined;
  if (buffer.toString('latin1', 0, 4) !== 'OggS') return -1;
  const segments = buffer[26] ?? 0;
  if (buffer.length < HEADER_BYTES + segments) return undefined;
  let body = 0;
  for (let i = 0; i < segments; i += 1) body += buffer[HEADER_BYTES + i] ?? 0;
  const size = HEADER_BYTES + segments + body;
  return buffer.length < size ? undefined : size;
}
