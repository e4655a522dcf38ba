import type { Readable } from 'node:stream';
import type { Query } from '../core/query.js';
import type { SourceName, Track } from '../core/track.js';

/** What a user asked for (defined beside its pure parser in core/query.ts), re-exported as part of the port. */
export type { Query };

export type Resolution =
  | { readonly kind: 'track'; readonly track: Track }
  | { readonly kind: 'playlist'; readonly title: string; readonly tracks: readonly Track[] };

export interface StreamOptions {
  /** Where playback should start, in milliseconds. */
  readonly startMs: number;
  /** Aborted when the track is skipped/stopped: the source must release sockets and child processes. */
  readonly signal: AbortSignal;
}

/** Bytes of a media file or stream; the pipeline probes the container itself. */
export interface MediaStream {
  readonly stream: Readable;
  /** Content-Type as announced by the origin; a hint only. */
  readonly contentType?: string;
  /** True when the bytes already start at `startMs` (the source seeked); otherwise the pipeline seeks. */
  readonly seeked?: boolean;
  /**
   * The source whose audio this really is, when it is not the track's own: a Spotify/Deezer track matched on
   * YouTube or, while YouTube refuses this server, on SoundCloud (what `/play` tells the member).
   */
  readonly servedBy?: SourceName;
}

/**
 * One adapter per origin (HTTP files, yt-dlp, local folder …). Invariants: `resolve` and `stream` never
 * touch a user-supplied address without the URL-safety check; both honour the abort signal; failures users
 * can cause are `UserError`s.
 */
export interface Source {
  readonly name: SourceName;
  canHandle(query: Query): boolean;
  resolve(query: Query, signal: AbortSignal): Promise<Resolution>;
  stream(track: Track, options: StreamOptions): Promise<MediaStream>;
}

/**
 * Optional capabilities some adapters add to the `Source` port, detected structurally so the port stays
 * small and adapters without them need nothing.
 */

/**
 * A source that can do the slow part of playing a track ahead of time: fetch a signed stream URL, map a
 * Spotify track to YouTube, open the first bytes. The resolver calls it for the first track of a playlist
 * (so playback starts at once and an unplayable first entry is skipped) and for prefetching the next track.
 * Must honour `signal`; failures users can cause are `UserError`s.
 */
export interface PreparableSource extends Source {
  prepare(track: Track, signal: AbortSignal): Promise<void>;
}

export const isPreparable = (source: Source): source is PreparableSource =>
  typeof (source as Partial<PreparableSource>).prepare === 'function';

/**
 * A playlist resolution whose tail is fetched later: Spotify and Deezer list their first page in the
 * first response and need more requests for the rest. `more` returns the remaining tracks (after `tracks`),
 * so `/play` can start on the first page while the rest fills in at background priority.
 */
export type PagedPlaylist = Extract<Resolution, { kind: 'playlist' }> & {
  readonly more?: (signal: AbortSignal) => Promise<readonly Track[]>;
  /** Entries the source dropped as unplayable (private/deleted videos, broken entries). */
  readonly skipped?: number;
  /** Entries the origin says the playlist has, when it says so (for "added 100 of 1,000"). */
  readonly total?: number;
};

/** The extra playlist fields, whatever the resolution (absent ones read as none). */
export function pagedParts(resolution: Resolution): { more?: PagedPlaylist['more']; skipped: number; total?: number } {
  if (resolution.kind !== 'playlist') return { skipped: 0 };
  const paged = resolution as PagedPlaylist;
  return {
    ...(paged.more ? { more: paged.more } : {}),
    skipped: typeof paged.skipped === 'number' ? paged.skipped : 0,
    ...(typeof paged.total === 'number' ? { total: paged.total } : {}),
  };
}

/** A plain, serialisable resolution (what the song cache stores): no functions, no bookkeeping fields. */
export function plainResolution(resolution: Resolution, tracks?: readonly Track[]): Resolution {
  if (resolution.kind === 'track') return { kind: 'track', track: resolution.track };
  return { kind: 'playlist', title: resolution.title, tracks: tracks ?? resolution.tracks };
}
