/**
 * The TLS presentation language as MLS uses it (RFC 9420 §2.1): big-endian integers and vectors whose length
 * is an MLS variable-length integer (§2.1.2: 1, 2 or 4 bytes, the top two bits of the first byte say which).
 * Only what the offline voice gateway needs to build and read DAVE's MLS messages.
 */

/** Thrown for anything that does not parse: the fake treats such input as an invalid message. */
export class MlsDecodeError extends Error {}

export class TlsWriter {
  private readonly parts: Buffer[] = [];

  u8(value: number): this {
    this.parts.push(Buffer.from([value & 0xff]));
    return this;
  }

  u16(value: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(value);
    this.parts.push(b);
    return this;
  }

  u32(value: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(value >>> 0);
    this.parts.push(b);
    return this;
  }

  u64(value: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(value);
    this.parts.push(b);
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.parts.push(Buffer.from(bytes));
    return this;
  }

  /** opaque x<V>: varint length, then the bytes. */
  vector(bytes: Uint8Array): this {
    this.parts.push(encodeVarint(bytes.length), Buffer.from(bytes));
    return this;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export function encodeVarint(value: number): Buffer {
  if (value < 0x40) return Buffer.from([value]);
  if (value < 0x4000) {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(0x4000 | value);
    return b;
  }
  if (value < 0x40000000) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE((0x80000000 | value) >>> 0);
    return b;
  }
  throw new MlsDecodeError(`vector of ${value} bytes is too long for MLS`);
}

export class TlsReader {
  offset = 0;

  constructor(readonly buffer: Buffer) {}

  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  private take(n: number): Buffer {
    if (n < 0 || this.offset + n > this.buffer.length) {
      throw new MlsDecodeError(`truncated: wanted ${n} bytes at ${this.offset} of ${this.buffer.length}`);
    }
    const out = this.buffer.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  u8(): number {
    return this.take(1)[0]!;
  }

  u16(): number {
    return this.take(2).readUInt16BE(0);
  }

  u32(): number {
    return this.take(4).readUInt32BE(0);
  }

  u64(): bigint {
    return this.take(8).readBigUInt64BE(0);
  }

  raw(n: number): Buffer {
    return this.take(n);
  }

  varint(): number {
    const first = this.u8();
    const prefix = first >> 6;
    if (prefix === 0) return first;
    if (prefix === 1) return ((first & 0x3f) << 8) | this.u8();
    if (prefix === 2) return (first & 0x3f) * 2 ** 24 + this.take(3).readUIntBE(0, 3);
    throw new MlsDecodeError('invalid MLS varint prefix 0b11');
  }

  vector(): Buffer {
    return this.take(this.varint());
  }

  /** A vector of structs: reads each element with `item` until the vector's bytes are used up. */
  list<T>(item: (r: TlsReader) => T): T[] {
    const inner = new TlsReader(this.vector());
    const out: T[] = [];
    while (inner.remaining > 0) out.push(item(inner));
    return out;
  }

  /** The bytes consumed since `start` (to re-serialize a parsed struct exactly, e.g. for signatures). */
  since(start: number): Buffer {
    return this.buffer.subarray(start, this.offset);
  }

  end(what: string): void {
    if (this.remaining !== 0) throw new MlsDecodeError(`${this.remaining} trailing bytes after ${what}`);
  }
}
