import type { FilterPreset } from '../core/audio-filter.js';
import type { QueueSnapshot } from '../core/queue.js';
import type { QueuedTrack } from '../core/track.js';
import type { StartOutcome } from './playback.js';

export interface EnqueueResult {
  readonly added: readonly QueuedTrack[];
  /** Set when the first added track started right away: resolves once it plays or fails. */
  readonly started?: Promise<StartOutcome>;
  /** 1-based position of the first added track in upcoming, when it did not start right away. */
  readonly position?: number;
}

/** What survives a restart: enough to rejoin and resume near where playback was. */
export interface SessionSnapshot {
  readonly guildId: string;
  readonly voiceChannelId: string;
  readonly textChannelId: string;
  readonly queue: QueueSnapshot;
  readonly positionMs: number;
  readonly paused: boolean;
  readonly volume: number;
  /** Absent: no filter (and snapshots from before filters existed). */
  readonly filter?: FilterPreset;
  readonly savedAt: number;
}
