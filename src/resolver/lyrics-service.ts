import type { Track } from '../core/track.js';
import type { KeyValueStore } from '../ports/store.js';
import { bestMatch, type MatchTarget } from '../sources/catalog/match-score.js';
import type { LrclibClient, LyricsRecord } from '../sources/lyrics/lrclib-client.js';

export type { LyricsRecord } from '../sources/lyrics/lrclib-client.js';

/** How long answers are kept in the store: found lyrics rarely change; "none" may be filled in by someone. */
const FOUND_TTL_MS = 7 * 24 * 3600_000;
const NONE_TTL_MS = 6 * 3600_000;

interface Cached {
  readonly record: LyricsRecord | null;
}

/**
 * Lyrics for a track or a search, matched the way tracks are matched across sources (title, artist and
 * duration through the shared scorer) and cached in the store, "not found" included, so a popular song costs
 * LRCLIB one request per week, not one per `/lyrics`.
 */
export class LyricsService {
  constructor(
    private readonly client: LrclibClient,
    private readonly store: KeyValueStore,
  ) {}

  /** The lyrics of a queued track, or null when LRCLIB has none that match. */
  forTrack(track: Track, signal?: AbortSignal): Promise<LyricsRecord | null> {
    return this.cached(`lyrics:track:${track.id}`, () => this.match(targetOf(track), signal));
  }

  /** The best record for free text (`/lyrics query:`), or null. */
  forQuery(query: string, signal?: AbortSignal): Promise<LyricsRecord | null> {
    const key = `lyrics:q:${query.trim().toLowerCase().replace(/\s+/g, ' ').slice(0, 200)}`;
    return this.cached(key, async () => {
      const found = await this.client.search(query, signal);
      return found.find((r) => r.synced !== null || r.plain !== null) ?? found[0] ?? null;
    });
  }

  /** A record by its LRCLIB id (a page button names it). */
  byId(id: number, signal?: AbortSignal): Promise<LyricsRecord | null> {
    return this.cached(`lyrics:id:${id}`, () => this.client.byId(id, signal));
  }

  private async match(
    target: MatchTarget & { readonly artist?: string },
    signal?: AbortSignal,
  ): Promise<LyricsRecord | null> {
    if (target.artist) {
      const exact = await this.client.get(target.title, target.artist, target.durationMs, signal);
      if (exact && (exact.synced !== null || exact.plain !== null || exact.instrumental)) return exact;
    }
    const candidates = (await this.client.search([target.artist, target.title].filter(Boolean).join(' '), signal)).map(
      (record) => ({ record, title: record.trackName, artist: record.artistName, durationMs: record.durationMs }),
    );
    return bestMatch(target, candidates)?.record ?? null;
  }

  private async cached(key: string, load: () => Promise<LyricsRecord | null>): Promise<LyricsRecord | null> {
    const hit = await this.store.get<Cached>(key);
    if (hit && typeof hit === 'object' && 'record' in hit) return hit.record;
    const record = await load();
    await this.store.set<Cached>(key, { record }, record ? FOUND_TTL_MS : NONE_TTL_MS);
    if (record) await this.store.set<Cached>(`lyrics:id:${record.id}`, { record }, FOUND_TTL_MS);
    return record;
  }
}

/**
 * What to look for: "Artist - Title" as uploads are often named, else the title and the artist the source
 * gave. Bracketed noise like "(Official Video)" is dropped; the rest is left to the scorer.
 */
export function targetOf(track: Track): MatchTarget & { readonly artist?: string } {
  const split = /^(.+?)\s+[-–—]\s+(.+)$/.exec(track.title);
  // An upload named "Artist - Title" says more than its channel name (often "ArtistVEVO" or a label).
  const artist = split?.[1] ?? track.artist;
  const title = split?.[2] ?? track.title;
  const cleaned = title.replace(/\s*[([](?:official|lyrics?|audio|video|hd|4k)[^)\]]*[)\]]/gi, '').trim() || title;
  return {
    title: cleaned,
    artists: artist ? [artist] : [],
    durationMs: track.durationMs,
    ...(artist ? { artist } : {}),
  };
}
