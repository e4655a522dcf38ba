import { Readable } from 'node:stream';

/** Bytes the stream keeps in its own buffer (already credited back); the rest waits in `pending`. */
const HIGH_WATER_BYTES = 16 * 1024;

/**
 * The worker's end of one shipped audio stream: chunks arrive as messages from the main thread and are read
 * by the demuxer like any byte stream. Flow control is credit: bytes are credited back to the sender when
 * they move into this stream's buffer (because its reader wants more), so the sender's window bounds what
 * waits here in `pending`; the worker's read-ahead is `window + HIGH_WATER_BYTES` at most.
 */
export class PortStream extends Readable {
  private readonly pending: Uint8Array[] = [];
  private ended = false;
  private eof = false;
  private wanted = false;

  constructor(private readonly credit: (bytes: number) => void) {
    super({ highWaterMark: HIGH_WATER_BYTES });
  }

  /** A chunk from the sender. */
  deliver(data: Uint8Array): void {
    if (this.destroyed) return;
    this.pending.push(data);
    if (this.wanted) this.drain();
  }

  /** The sender's stream ended: what is pending is the rest. */
  finish(): void {
    this.ended = true;
    if (this.wanted || this.pending.length === 0) this.drain();
  }

  override _read(): void {
    this.wanted = true;
    this.drain();
  }

  private drain(): void {
    if (this.eof || this.destroyed) return;
    let moved = 0;
    let more = true;
    while (more && this.pending.length > 0) {
      const chunk = this.pending.shift() as Uint8Array;
      moved += chunk.byteLength;
      more = this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    }
    this.wanted = more;
    if (moved > 0) this.credit(moved);
    if (this.ended && this.pending.length === 0 && !this.eof) {
      this.eof = true;
      this.push(null);
    }
  }
}
