import type { Readable } from 'node:stream';
import type { SourceName, Track } from '../core/track.js';

/**
 * What a user asked for, already classified: a URL, a search, or a Discord attachment.
 * Parsing is pure (see core/query.ts); sources only decide whether they can handle one.
 */
export type Query =
  | { readonly kind: 'url'; readonly url: URL; readonly raw: string }
  | { readonly kind: 'search'; readonly text: string }
  | {
      readonly kind: 'attachment';
      readonly url: URL;
      readonly name: string;
      readonly size: number;
      readonly contentType?: string;
    };

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
