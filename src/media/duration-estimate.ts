import { safely } from './duration-bytes.js';
import { ebmlDurationMs } from './duration-ebml.js';
import { flacDurationMs } from './duration-flac.js';
import { mp3DurationMs } from './duration-mpeg.js';
import { mp4DurationMs } from './duration-mp4.js';
import { wavDurationMs } from './duration-wav.js';
import type { ContainerKind } from './probe.js';

/**
 * Track length in milliseconds from the first bytes of a file, or `null` when the head does not say. Pure and
 * total: a cut or hostile head yields `null`, never an exception, because a missing length only costs the
 * progress bar while a throw would cost the track.
 *
 * `contentLength` (the origin's Content-Length, `null` if absent) is needed only where the length follows
 * from the byte count: WAV with an unset data size and constant-bitrate MP3 without a Xing/Info tag.
 * Ogg needs the end of the file: see `oggDurationFromTail`.
 */
export function estimateDuration(head: Uint8Array, kind: ContainerKind, contentLength: number | null): number | null {
  const length =
    contentLength !== null && Number.isSafeInteger(contentLength) && contentLength > 0 ? contentLength : null;
  return safely(() => {
    switch (kind) {
      case 'wav':
        return wavDurationMs(head, length);
      case 'mp3':
        return mp3DurationMs(head, length);
      case 'flac':
        return flacDurationMs(head);
      case 'webm-opus':
      case 'webm-other':
        return ebmlDurationMs(head);
      case 'mp4':
        return mp4DurationMs(head);
      default:
        return null;
    }
  });
}
