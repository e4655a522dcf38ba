import { UserError } from '../../core/errors.js';

/**
 * LRCLIB's public API (https://lrclib.net/docs): no key; asks clients to name themselves in User-Agent.
 * - `GET /api/get?track_name&artist_name[&album_name][&duration]` → one record, or 404 `TrackNotFound`;
 * - `GET /api/get/{id}` → one record;
 * - `GET /api/search?q=…` (or `track_name`/`artist_name`) → an array of records (at most 20).
 * A record: `{ id, trackName, artistName, albumName, duration (s), instrumental, plainLyrics, syncedLyrics }`,
 * the lyrics fields `null` when absent. The base URL is LYRICS_API_URL (the owner's, so not a user address).
 */
export interface LyricsRecord {
  readonly id: number;
  readonly trackName: string;
  readonly artistName: string;
  readonly albumName: string | null;
  readonly durationMs: number | null;
  readonly instrumental: boolean;
  readonly plain: string | null;
  readonly synced: string | null;
}

export interface LrclibOptions {
  /** LYRICS_API_URL without a trailing slash. */
  readonly baseUrl: string;
  readonly timeoutMs?: number;
  /** Test seam; the global fetch by default. */
  readonly fetch?: typeof fetch;
  /** Told why a request failed (for the log); users only see LYRICS_UNAVAILABLE. */
  readonly onError?: (error: unknown, path: string) => void;
}

/** Largest answer read (a search of 20 records with long lyrics stays well below). */
const MAX_BODY = 2 * 1024 * 1024;
const MAX_LYRICS = 20_000;
const USER_AGENT = 'tunebot (self-hosted Discord music bot; https://github.com/tunebot)';

export class LrclibClient {
  constructor(private readonly options: LrclibOptions) {}

  /** The record LRCLIB files under this title/artist (and length, within its 2 s tolerance), or null. */
  async get(
    track: string,
    artist: string,
    durationMs: number | null,
    signal?: AbortSignal,
  ): Promise<LyricsRecord | null> {
    const params = new URLSearchParams({ track_name: track, artist_name: artist });
    if (durationMs !== null) params.set('duration', String(Math.round(durationMs / 1000)));
    return record(await this.request(`/api/get?${params}`, signal));
  }

  async byId(id: number, signal?: AbortSignal): Promise<LyricsRecord | null> {
    return record(await this.request(`/api/get/${encodeURIComponent(String(id))}`, signal));
  }

  async search(query: string, signal?: AbortSignal): Promise<LyricsRecord[]> {
    const body = await this.request(`/api/search?${new URLSearchParams({ q: query })}`, signal);
    return Array.isArray(body)
      ? body
          .slice(0, 20)
          .map(record)
          .filter((r): r is LyricsRecord => r !== null)
      : [];
  }

  /** The parsed JSON, `null` for a 404; anything else unexpected is LYRICS_UNAVAILABLE. */
  private async request(path: string, signal?: AbortSignal): Promise<unknown> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 6000);
    const fetcher = this.options.fetch ?? fetch;
    try {
      const response = await fetcher(`${this.options.baseUrl}${path}`, {
        headers: { 'user-agent': USER_AGENT, accept: 'application/json' },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        redirect: 'error',
      });
      if (response.status === 404) return null;
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const text = await response.text();
      if (text.length > MAX_BODY) throw new Error('answer too large');
      return JSON.parse(text) as unknown;
    } catch (error) {
      if (signal?.aborted) throw error;
      this.options.onError?.(error, path.split('?')[0] ?? path);
      throw new UserError('LYRICS_UNAVAILABLE');
    }
  }
}

function record(value: unknown): LyricsRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.id !== 'number' || typeof v.trackName !== 'string') return null;
  const text = (x: unknown) => (typeof x === 'string' && x.trim() !== '' ? x.slice(0, MAX_LYRICS) : null);
  return {
    id: v.id,
    trackName: v.trackName.slice(0, 200),
    artistName: typeof v.artistName === 'string' ? v.artistName.slice(0, 200) : '',
    albumName: typeof v.albumName === 'string' ? v.albumName.slice(0, 200) : null,
    durationMs: typeof v.duration === 'number' && Number.isFinite(v.duration) ? Math.round(v.duration * 1000) : null,
    instrumental: v.instrumental === true,
    plain: text(v.plainLyrics),
    synced: text(v.syncedLyrics),
  };
}
