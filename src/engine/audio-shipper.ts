import type { PreparedAudio } from '../ports/voice.js';
import { windowBytes, type ToWorker } from './engine-protocol.js';

/** Largest chunk per message: small enough that a worker can start a track on its first one. */
const CHUNK_BYTES = 16 * 1024;

/**
 * Moves one prepared audio's bytes to the audio worker that plays it, ahead of need but never more than the
 * play's window in flight (credit-based: the worker credits bytes back as its demuxer takes them). The
 * source and any ffmpeg stay on the main thread; what a busy main thread delays is only the refill of a
 * window that holds seconds of audio. Records the stream's own error (the catalogue text users see).
 */
export class AudioShipper {
  private inFlight = 0;
  private readonly window: number;
  private closed = false;
  /** What the audio stream itself failed with, if it did. */
  streamError: Error | undefined;

  constructor(
    readonly playId: number,
    readonly audio: PreparedAudio,
    private readonly send: (message: ToWorker) => void,
  ) {
    this.window = windowBytes(audio.container);
  }

  start(): void {
    const { stream } = this.audio;
    stream.on('readable', this.pump);
    stream.once('end', this.onEnd);
    stream.on('error', this.onError);
    this.pump();
  }

  /** The worker took `bytes` of this play into its player. */
  credit(bytes: number): void {
    this.inFlight = Math.max(0, this.inFlight - bytes);
    this.pump();
  }

  /** Stops reading (the play was released); the owner disposes the audio. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const { stream } = this.audio;
    stream.off('readable', this.pump);
    stream.off('end', this.onEnd);
    // The error listener stays: a source failing after release must not become an uncaught exception.
  }

  private readonly pump = (): void => {
    while (!this.closed && this.inFlight < this.window) {
      let chunk = this.audio.stream.read() as Buffer | null;
      if (chunk === null) return;
      // A paused stream hands over everything it buffered: what is over the window goes back for later.
      const room = this.window - this.inFlight;
      if (chunk.byteLength > room) {
        this.audio.stream.unshift(chunk.subarray(room));
        chunk = chunk.subarray(0, room);
      }
      for (let at = 0; at < chunk.byteLength; at += CHUNK_BYTES) {
        // A copy (a subarray would clone its whole backing buffer), cloned rather than transferred: a
        // transferred buffer stays this thread's malloc while the worker's V8 does not count it as its own,
        // so nothing there collected it soon (the bench saw 920-1165 MB of them at 200 streams).
        const data = new Uint8Array(chunk.subarray(at, at + CHUNK_BYTES));
        this.inFlight += data.byteLength;
        this.send({ type: 'chunk', playId: this.playId, data });
      }
    }
  };

  private readonly onEnd = (): void => {
    if (!this.closed) this.send({ type: 'end', playId: this.playId });
  };

  private readonly onError = (error: Error): void => {
    this.streamError ??= error;
    if (!this.closed) this.send({ type: 'fail', playId: this.playId });
  };
}
