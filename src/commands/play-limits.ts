import type { Track } from '../core/track.js';
import { denials } from '../controls/denials.js';
import type { GuildSettings } from '../settings/guild-settings.js';

/** What the queue holds now, as far as the limits care. */
export interface QueueFacts {
  /** Upcoming entries (the playing one is not counted against the queue length). */
  readonly upcoming: number;
  /** Live entries (playing and upcoming) the requester already has. */
  readonly byRequester: number;
  /** Whether a live entry has this `Track.id`. */
  has(trackId: string): boolean;
}

export type QueueLimits = Pick<GuildSettings, 'maxQueueLength' | 'maxTracksPerUser' | 'allowDuplicates'>;

export interface LimitedTracks {
  readonly accepted: readonly Track[];
  readonly duplicates: number;
  readonly overQueueLimit: number;
  readonly overUserLimit: number;
}

/**
 * Which of `tracks` the server's limits let in, in order: duplicates (of live entries or within the batch)
 * when the server forbids them, then whatever would pass the queue length or the per-member limit. Pure, so
 * a playlist is trimmed to fit rather than refused outright, and every rule is unit-tested.
 */
export function applyQueueLimits(tracks: readonly Track[], queue: QueueFacts, limits: QueueLimits): LimitedTracks {
  const accepted: Track[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  let overQueueLimit = 0;
  let overUserLimit = 0;
  for (const track of tracks) {
    if (!limits.allowDuplicates && (queue.has(track.id) || seen.has(track.id))) duplicates += 1;
    else if (queue.upcoming + accepted.length >= limits.maxQueueLength) overQueueLimit += 1;
    else if (limits.maxTracksPerUser !== null && queue.byRequester + accepted.length >= limits.maxTracksPerUser)
      overUserLimit += 1;
    else {
      accepted.push(track);
      seen.add(track.id);
    }
  }
  return { accepted, duplicates, overQueueLimit, overUserLimit };
}

/** Throws the refusal that explains why nothing was accepted (the first limit that bit, in rule order). */
export function assertSomethingAccepted(result: LimitedTracks, limits: QueueLimits): void {
  if (result.accepted.length > 0) return;
  if (result.duplicates > 0 && result.overQueueLimit === 0 && result.overUserLimit === 0) throw denials.duplicate();
  if (result.overQueueLimit > 0) throw denials.queueFull(limits.maxQueueLength);
  if (result.overUserLimit > 0) throw denials.userQueueLimit(limits.maxTracksPerUser ?? 0);
  throw denials.duplicate();
}

/** " (left out: 2 already queued, 5 over the queue limit)" or "" when everything got in. */
export function describeLeftOut(result: LimitedTracks): string {
  const parts = [
    result.duplicates > 0 ? `${result.duplicates} already queued` : '',
    result.overQueueLimit > 0 ? `${result.overQueueLimit} over the queue limit` : '',
    result.overUserLimit > 0 ? `${result.overUserLimit} over your per-member limit` : '',
  ].filter((part) => part !== '');
  return parts.length > 0 ? ` (left out: ${parts.join(', ')})` : '';
}
