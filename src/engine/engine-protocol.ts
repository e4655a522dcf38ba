import type { PlainErrorCode } from '../core/errors.js';
import type { VoiceGoneReason } from '../ports/voice.js';

/**
 * The messages between the main thread and an audio worker (src/engine/engine-worker.ts). Everything here is
 * structured-clone data: no functions, no class instances. Invariants:
 * - one `playId` per audio handed to the worker, never reused within a worker's life; chunks, ends and
 *   credits name it, so a late message about audio that was already replaced is recognised and dropped;
 * - the main thread never has more than the play's window of bytes in flight (sent but not credited back),
 *   which bounds the read-ahead a stream holds in the worker;
 * - a link's position slot in the shared `positions` array is written only by the worker that owns it.
 */

/** The container of the bytes shipped to the worker (PreparedAudio's). */
export type ShippedContainer = 'ogg-opus' | 'webm-opus' | 'pcm';

export type ToWorker =
  | {
      readonly type: 'join';
      readonly reqId: number;
      readonly guildId: string;
      readonly channelId: string;
      readonly slot: number;
    }
  | { readonly type: 'abort-join'; readonly reqId: number }
  | {
      readonly type: 'play';
      readonly guildId: string;
      readonly playId: number;
      readonly container: ShippedContainer;
      readonly inlineVolume?: number;
      /** Set for a crossfade: the overlap length; the worker falls back to a plain switch if it can't mix. */
      readonly fadeMs?: number;
      /**
       * Hold it as the guild's next audio instead of playing it: started by the worker itself the moment the
       * current audio ends without error (reported as the `idle`'s `next`), or by `start-queued`.
       */
      readonly queued?: true;
    }
  | { readonly type: 'start-queued'; readonly guildId: string; readonly playId: number; readonly fadeMs?: number }
  | { readonly type: 'unqueue'; readonly guildId: string; readonly playId: number }
  | { readonly type: 'chunk'; readonly playId: number; readonly data: Uint8Array }
  | { readonly type: 'end'; readonly playId: number }
  | { readonly type: 'fail'; readonly playId: number }
  | {
      readonly type: 'control';
      readonly guildId: string;
      readonly op: 'stop' | 'pause' | 'resume' | 'seamless' | 'destroy';
    }
  | { readonly type: 'voice-server'; readonly guildId: string; readonly data: unknown }
  | { readonly type: 'voice-state'; readonly guildId: string; readonly data: unknown }
  | { readonly type: 'adapter-destroyed'; readonly guildId: string }
  /** Leave every channel (the op 4 payloads go out first), then answer `closed`. */
  | { readonly type: 'shutdown' };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'closed' }
  | { readonly type: 'unavailable' }
  | { readonly type: 'joined'; readonly reqId: number }
  | { readonly type: 'join-failed'; readonly reqId: number; readonly code: PlainErrorCode }
  | {
      readonly type: 'idle';
      readonly guildId: string;
      readonly playId: number;
      readonly code?: PlainErrorCode;
      readonly failed?: boolean;
      /** The queued play the worker started in its place, at the frame it ended. */
      readonly next?: number;
    }
  | { readonly type: 'released'; readonly guildId: string; readonly playId: number }
  | { readonly type: 'credit'; readonly guildId: string; readonly playId: number; readonly bytes: number }
  | { readonly type: 'gone'; readonly guildId: string; readonly reason: VoiceGoneReason }
  | { readonly type: 'moved'; readonly guildId: string; readonly channelId: string }
  | { readonly type: 'adapter-open'; readonly guildId: string }
  | { readonly type: 'adapter-close'; readonly guildId: string }
  | { readonly type: 'send-payload'; readonly guildId: string; readonly payload: unknown }
  | {
      readonly type: 'frames';
      readonly guildId: string;
      readonly sent: number;
      readonly expected: number;
      readonly silence: number;
    }
  | { readonly type: 'reconnect' }
  | {
      readonly type: 'log';
      readonly level: 'debug' | 'info' | 'warn' | 'error';
      readonly bindings: Record<string, unknown>;
      readonly obj: Record<string, unknown>;
      readonly msg?: string;
    };

/** What a worker is started with (`workerData`). */
export interface WorkerBoot {
  /** Int32 pairs per link slot: [playId, playbackMs] (see POSITION_FIELDS). */
  readonly positions: SharedArrayBuffer;
  /** Frame-deficit sampling period (FrameMonitor), ms. */
  readonly frameIntervalMs: number;
  /** The Opus bitrate crossfades re-encode at (ffmpeg's, so a mixed overlap sounds like the tracks). */
  readonly mixBitrate: number;
}

/** Int32 fields per position slot. */
export const POSITION_FIELDS = 2;
/** Links one worker can hold at once (slots in its positions array). */
export const SLOTS_PER_WORKER = 4096;

/**
 * Bytes a play may have in flight to its worker: the audio the worker can keep playing while the main thread
 * is busy. Opus at 96-160 kbit/s is 12-20 KB a second, so 96 KiB is 5-8 s; raw PCM (the benchmark's
 * baseline) is 192 KB a second, so it gets more.
 */
export const windowBytes = (container: ShippedContainer): number => (container === 'pcm' ? 1024 * 1024 : 96 * 1024);
