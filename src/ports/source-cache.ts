import type { Resolution } from './source.js';

/**
 * The cache the source adapters read and write: resolved metadata by canonical key, and short-lived signed
 * stream URLs by track id. The resolver's `SongCache` implements it; adapters depend only on this port, so
 * they never import the resolver that sits above them. Best-effort: a failing cache reads as a miss.
 */

export interface StreamUrlEntry {
  readonly url: string;
  /** Headers the origin requires (yt-dlp's `http_headers`). */
  readonly httpHeaders?: Readonly<Record<string, string>>;
  readonly acodec?: string;
  readonly container?: string;
  /** Epoch ms after which the entry is not served. */
  readonly expiresAt: number;
}

export type StreamUrlInput = Omit<StreamUrlEntry, 'expiresAt'> & {
  /** The URL's own expiry (epoch ms) if known; otherwise parsed from its `expire` param. */
  readonly urlExpiresAt?: number | null;
};

export interface SourceCache {
  getResolution(key: string): Promise<Resolution | undefined>;
  setResolution(key: string, resolution: Resolution): Promise<void>;
  getStreamUrl(trackId: string): Promise<StreamUrlEntry | undefined>;
  /** Stores until the URL's expiry minus a safety margin; `null` when it is already too close to expiring. */
  setStreamUrl(trackId: string, input: StreamUrlInput): Promise<StreamUrlEntry | null>;
  /** Drops a stream URL that failed, so the next attempt resolves afresh. */
  invalidateStreamUrl(trackId: string): Promise<void>;
}
