import type { QueuedTrack } from '../core/track.js';

export type EndReason = 'stopped' | 'kicked' | 'disconnected' | 'idle' | 'alone' | 'evicted' | 'guild-removed' | 'shutdown';

/**
 * A guild session's state, one discriminated union (the @discordjs/voice pattern). Each playing-ish state
 * owns the AbortController of its track's stream; leaving that state aborts it, which releases sockets and
 * ffmpeg. Invariant: at most one track is loading or playing per session.
 */
export type SessionState =
  | { readonly status: 'idle'; readonly since: number }
  | { readonly status: 'loading'; readonly entry: QueuedTrack; readonly abort: AbortController }
  | {
      readonly status: 'playing';
      readonly entry: QueuedTrack;
      readonly abort: AbortController;
      readonly pipeline: 'passthrough' | 'ffmpeg';
      readonly startedAt: number;
    }
  | {
      readonly status: 'paused';
      readonly entry: QueuedTrack;
      readonly abort: AbortController;
      readonly pipeline: 'passthrough' | 'ffmpeg';
      readonly since: number;
    }
  | { readonly status: 'destroyed'; readonly reason: EndReason };

export type ActiveState = Extract<SessionState, { entry: QueuedTrack }>;

export const isActive = (state: SessionState): state is ActiveState => 'entry' in state;
