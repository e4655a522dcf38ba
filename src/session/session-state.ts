import type { QueuedTrack } from '../core/track.js';
import type { PipelineKind } from '../ports/voice.js';

export type EndReason =
  | 'stopped'
  | 'left'
  | 'kicked'
  | 'disconnected'
  | 'idle'
  | 'alone'
  | 'evicted'
  | 'guild-removed'
  | 'shutdown';

interface Active {
  readonly entry: QueuedTrack;
  /** Aborting it releases the track's stream (sockets, ffmpeg). */
  readonly abort: AbortController;
  /** Where in the track this stream started (seek, resume after restart, recovery). */
  readonly offsetMs: number;
  /** Track milliseconds per played millisecond (1.25 under nightcore; absent = 1): positions stay in track time. */
  readonly speed?: number;
  /** The volume and filter the stream was opened with (see Playback.style): a different one means reopen it. */
  readonly style?: string;
}

/**
 * A guild session's state, one discriminated union (the @discordjs/voice pattern). Each active state owns the
 * AbortController of its track's stream; leaving it for a state with another controller aborts it. Invariant:
 * at most one track is loading or playing per session.
 */
export type SessionState =
  | { readonly status: 'idle'; readonly since: number }
  | (Active & { readonly status: 'loading' })
  | (Active & { readonly status: 'playing'; readonly pipeline: PipelineKind; readonly startedAt: number })
  | (Active & {
      readonly status: 'paused';
      readonly pipeline: PipelineKind;
      readonly since: number;
      readonly auto: boolean;
    })
  | { readonly status: 'destroyed'; readonly reason: EndReason };

export type ActiveState = Extract<SessionState, { entry: QueuedTrack }>;

export const isActive = (state: SessionState): state is ActiveState => 'entry' in state;
