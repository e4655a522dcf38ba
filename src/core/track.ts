/**
 * The track model. Pure data: no Discord types, no I/O.
 *
 * A `Track` is what a source resolved (title, duration, where it came from). A `QueuedTrack` is a track
 * somebody asked for: it carries the requester and a queue-unique `entryId`, so the same song queued twice
 * is two entries that can be removed or moved independently.
 */

/** Where a track came from; also the key of the source adapter that can stream it. */
export type SourceName = 'http' | 'attachment' | 'radio' | 'youtube' | 'soundcloud' | 'spotify' | 'deezer' | 'local';

export interface Track {
  /** Stable identity for deduplication: `${source}:${sourceId}` or the canonical URL. */
  readonly id: string;
  readonly source: SourceName;
  readonly title: string;
  /** Page or file URL shown to users (never fetched from this field without the URL-safety check). */
  readonly url: string;
  /** Milliseconds; `null` for live streams and unknown lengths. */
  readonly durationMs: number | null;
  readonly artist?: string;
  readonly thumbnailUrl?: string;
  readonly isLive?: boolean;
}

export interface Requester {
  readonly id: string;
  readonly name: string;
}

export interface QueuedTrack extends Track {
  /** Unique within one queue for its lifetime; never reused. */
  readonly entryId: number;
  readonly requester: Requester;
  /** Epoch milliseconds, from the injected clock. */
  readonly addedAt: number;
}
