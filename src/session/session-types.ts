import type { FilterPreset } from '../core/audio-filter.js';
import type { QueueSnapshot } from '../core/queue.js';
import type { QueuedTrack } from '../core/track.js';
import type { Queue } from '../core/queue.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Notifier } from '../ports/notifier.js';
import type { VoiceLink } from '../ports/voice.js';
import type { StartOutcome } from './playback.js';
import type { SessionSoundDeps } from './session-sound.js';
import type { TrackLoader } from './track-loader.js';

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

export interface SessionDeps {
  readonly guildId: string;
  readonly link: VoiceLink;
  readonly queue: Queue;
  readonly loader: TrackLoader;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where the queue was started: failures and announcements go here. */
  readonly textChannelId: string;
  /** 0.0-2.0; 1 keeps Opus passthrough possible. */
  readonly volume?: number;
  /** Loudness normalization (absent: never). */
  readonly sound?: Omit<SessionSoundDeps, 'onMeasured'>;
  /** A filter kept from before a restart. */
  readonly filter?: FilterPreset;
  /** The guild's crossfade, 0-12 s (absent or 0: none, tracks run into each other gaplessly). */
  readonly crossfadeSeconds?: () => number;
}
