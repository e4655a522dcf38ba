/**
 * Queue entries and the persisted form of a queue.
 *
 * Entries are built by copying a fixed list of `Track` fields (not by spreading the source's object), so a
 * snapshot is always plain JSON even if a source hands over an object with extra, non-serialisable members.
 * `TRACK_FIELDS` is checked against `keyof Track` at compile time: adding a field to `Track` fails the build
 * here until the field is listed, instead of being silently dropped from persisted queues.
 */

import type { QueuedTrack, Requester, Track } from './track.js';

export type LoopMode = 'off' | 'track' | 'queue';
export const LOOP_MODES: readonly LoopMode[] = ['off', 'track', 'queue'];

export const isLoopMode = (value: unknown): value is LoopMode =>
  typeof value === 'string' && (LOOP_MODES as readonly string[]).includes(value);

/** Current snapshot format; bump and migrate in `checkSnapshot` when the shape changes. */
export const QUEUE_SNAPSHOT_VERSION = 1;

/** Plain, JSON-serialisable state of a queue. `Queue.restore(queue.snapshot())` is an exact round trip. */
export interface QueueSnapshot {
  readonly version: typeof QUEUE_SNAPSHOT_VERSION;
  readonly current: QueuedTrack | null;
  readonly upcoming: readonly QueuedTrack[];
  /** Oldest first, most recent last. */
  readonly history: readonly QueuedTrack[];
  readonly loop: LoopMode;
  /** The entry id the next added track will get; greater than every id in the snapshot. */
  readonly nextEntryId: number;
}

const TRACK_FIELDS = {
  id: true,
  source: true,
  title: true,
  url: true,
  durationMs: true,
  artist: true,
  thumbnailUrl: true,
  isLive: true,
} as const satisfies Record<keyof Track, true>;

const TRACK_KEYS = Object.keys(TRACK_FIELDS) as (keyof Track)[];

/** A frozen, plain queue entry. Optional fields that are `undefined` are omitted so JSON round trips exactly. */
export function createEntry(track: Track, entryId: number, requester: Requester, addedAt: number): QueuedTrack {
  const entry: Record<string, unknown> = {};
  for (const key of TRACK_KEYS) {
    if (track[key] !== undefined) entry[key] = track[key];
  }
  entry.entryId = entryId;
  entry.requester = Object.freeze({ id: requester.id, name: requester.name });
  entry.addedAt = addedAt;
  return Object.freeze(entry) as unknown as QueuedTrack;
}

/** Rebuilds an entry read from storage with the same guarantees as `createEntry`. */
export const copyEntry = (entry: QueuedTrack): QueuedTrack =>
  createEntry(entry, entry.entryId, entry.requester, entry.addedAt);

/**
 * Validates the parts of a stored snapshot the queue relies on (a corrupt store is a bug or an outage, not a
 * user error, so this throws `TypeError`). Returns every entry for the caller's convenience.
 */
export function checkSnapshot(snapshot: QueueSnapshot): QueuedTrack[] {
  if (snapshot.version !== QUEUE_SNAPSHOT_VERSION) {
    throw new TypeError(`Unsupported queue snapshot version: ${String(snapshot.version)}`);
  }
  if (!isLoopMode(snapshot.loop)) throw new TypeError(`Invalid loop mode in snapshot: ${String(snapshot.loop)}`);
  if (!Number.isSafeInteger(snapshot.nextEntryId) || snapshot.nextEntryId < 1) {
    throw new TypeError(`Invalid nextEntryId in snapshot: ${String(snapshot.nextEntryId)}`);
  }
  if (!Array.isArray(snapshot.upcoming) || !Array.isArray(snapshot.history)) {
    throw new TypeError('Queue snapshot lists are not arrays');
  }
  const all = [...(snapshot.current ? [snapshot.current] : []), ...snapshot.upcoming, ...snapshot.history];
  const seen = new Set<number>();
  for (const entry of all) {
    checkEntry(entry, snapshot.nextEntryId);
    if (seen.has(entry.entryId)) throw new TypeError(`Duplicate entry id in snapshot: ${entry.entryId}`);
    seen.add(entry.entryId);
  }
  return all;
}

function checkEntry(entry: QueuedTrack, nextEntryId: number): void {
  const ok =
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.id === 'string' &&
    Number.isSafeInteger(entry.entryId) &&
    entry.entryId >= 1 &&
    entry.entryId < nextEntryId &&
    typeof entry.requester?.id === 'string' &&
    (entry.durationMs === null || Number.isFinite(entry.durationMs));
  if (!ok) throw new TypeError(`Invalid entry in queue snapshot: ${JSON.stringify(entry)}`);
}
