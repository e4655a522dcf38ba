import type { Readable } from 'node:stream';
import { UserError } from '../core/errors.js';
import { systemClock, type Clock } from '../ports/clock.js';

/**
 * Reads the first `bytes` of a stream (or less if it ends) and puts them back, so the same stream object can
 * be handed on with nothing lost. Bounded by `timeoutMs`: a source that stalls before sending anything fails
 * with FETCH_TIMEOUT instead of hanging the queue. With `partial`, running out of time is not a failure: what
 * arrived so far is put back and returned (for optional extra reading, such as tags past the first bytes). The
 * timer runs on `clock` (the system clock unless injected).
 */
export function peek(
  stream: Readable,
  bytes: number,
  timeoutMs: number,
  { partial = false, clock = systemClock }: { partial?: boolean; clock?: Clock } = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const finish = (error?: Error) => {
      clock.clearTimeout(timer);
      stream.off('readable', onReadable).off('end', onEnd).off('error', onError);
      const head = Buffer.concat(chunks);
      if (error) return reject(error);
      if (head.length > 0 && !stream.readableEnded) stream.unshift(head);
      resolve(head);
    };
    const onReadable = () => {
      while (length < bytes) {
        const chunk = stream.read() as Buffer | null;
        if (chunk === null) break;
        chunks.push(chunk);
        length += chunk.length;
      }
      if (length >= bytes) finish();
    };
    const onEnd = () => finish();
    const onError = (error: Error) => finish(error);
    const timer = clock.setTimeout(() => finish(partial ? undefined : new UserError('FETCH_TIMEOUT')), timeoutMs);
    stream.on('readable', onReadable).once('end', onEnd).once('error', onError);
  });
}
