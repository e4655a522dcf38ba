import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';

/** Inserts SHOUTcast/ICY metadata blocks every `metaint` bytes (`StreamTitle='…';`, padded to 16 bytes). */
export class IcyInjector extends Transform {
  private untilMeta: number;
  private sentTitle = false;

  constructor(
    private readonly metaint: number,
    private readonly title: string,
  ) {
    super();
    this.untilMeta = metaint;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(this.untilMeta, chunk.length - offset);
      this.push(chunk.subarray(offset, offset + take));
      offset += take;
      this.untilMeta -= take;
      if (this.untilMeta === 0) {
        this.push(this.metadataBlock());
        this.untilMeta = this.metaint;
      }
    }
    callback();
  }

  private metadataBlock(): Buffer {
    if (this.sentTitle) return Buffer.from([0]);
    this.sentTitle = true;
    const text = Buffer.from(`StreamTitle='${this.title}';`, 'utf8');
    const blocks = Math.ceil(text.length / 16);
    const out = Buffer.alloc(1 + blocks * 16);
    out[0] = blocks;
    text.copy(out, 1);
    return out;
  }
}
