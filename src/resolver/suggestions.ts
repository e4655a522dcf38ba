/**
 * `/play` autocomplete. Discord drops an autocomplete answer that takes longer than 3 s, and users type
 * faster than yt-dlp searches (1–3 s on a Pi), so:
 * - answers are cached per typed text (normalised) for `ttlMs`;
 * - a search runs at most once per text at a time (later keystrokes for the same text join it), under its
 *   own longer limit, so a slow search still fills the cache for the next keystroke;
 * - the answer waits at most `timeoutMs` (default 2 s); then it falls back to the results of the longest
 *   cached prefix that still fit the typed words, else an empty list. Never throws.
 */
import { formatDuration } from '../core/format.js';
import type { Track } from '../core/track.js';
import type { Clock } from '../ports/clock.js';
import { normaliseSearchText } from '../core/dedup.js';
import { LruMap } from './lru.js';

/** One autocomplete choice, within Discord's limits (name and value ≤ 100 characters). */
export interface Suggestion {
  readonly name: string;
  readonly value: string;
}

export interface SuggestionEngineOptions {
  readonly search: (text: string, signal: AbortSignal) => Promise<readonly Track[]>;
  readonly clock: Clock;
  readonly timeoutMs?: number;
  /** Limit for the search itself (default 8 s). */
  readonly searchTimeoutMs?: number;
  readonly ttlMs?: number;
  readonly maxEntries?: number;
  /** Shorter texts get no suggestions (default 2 characters). */
  readonly minLength?: number;
  readonly limit?: number;
}

interface Entry {
  readonly at: number;
  readonly tracks: readonly Track[];
}

const MAX_CHOICE = 100;

const clip = (text: string): string => (text.length <= MAX_CHOICE ? text : `${text.slice(0, MAX_CHOICE - 1)}…`);

/** "Title — Artist (3:32)", clipped; the value is the track's URL so picking it plays exactly that. */
export function toSuggestion(track: Track): Suggestion {
  const length = track.isLive ? 'live' : track.durationMs === null ? '' : formatDuration(track.durationMs);
  const tail = length ? ` (${length})` : '';
  const head =
    track.artist && !track.title.toLowerCase().includes(track.artist.toLowerCase())
      ? `${track.title} — ${track.artist}`
      : track.title;
  const name =
    head.length + tail.length <= MAX_CHOICE
      ? `${head}${tail}`
      : `${head.slice(0, MAX_CHOICE - tail.length - 1)}…${tail}`;
  return { name, value: track.url.length <= MAX_CHOICE ? track.url : clip(track.title) };
}

export class SuggestionEngine {
  private readonly cache: LruMap<string, Entry>;
  private readonly inflight = new Map<string, Promise<readonly Track[]>>();
  private counts = { answered: 0, cached: 0, timedOut: 0 };

  constructor(private readonly options: SuggestionEngineOptions) {
    this.cache = new LruMap(options.maxEntries ?? 500);
  }

  async suggest(text: string, signal: AbortSignal): Promise<Suggestion[]> {
    const key = normaliseSearchText(text);
    if (key.length < (this.options.minLength ?? 2) || /^[a-z][a-z0-9+.-]*:\S*$/i.test(key)) return [];
    this.counts.answered++;
    const fresh = this.fresh(key);
    if (fresh) {
      this.counts.cached++;
      return this.format(fresh);
    }
    const found = await this.within(this.start(key), signal);
    if (found) return this.format(found);
    this.counts.timedOut++;
    return this.format(this.fallback(key));
  }

  stats(): { answered: number; cached: number; timedOut: number } {
    return { ...this.counts };
  }

  private fresh(key: string): readonly Track[] | undefined {
    const entry = this.cache.get(key);
    return entry && this.options.clock.now() - entry.at < (this.options.ttlMs ?? 600_000) ? entry.tracks : undefined;
  }

  /** Starts (or joins) the search for `key`; its result is cached whenever it arrives. */
  private start(key: string): Promise<readonly Track[]> {
    const running = this.inflight.get(key);
    if (running) return running;
    const search = this.options
      .search(key, AbortSignal.timeout(this.options.searchTimeoutMs ?? 8_000))
      .then((tracks) => {
        this.cache.set(key, { at: this.options.clock.now(), tracks });
        return tracks;
      })
      .finally(() => this.inflight.delete(key));
    search.catch(() => undefined);
    this.inflight.set(key, search);
    return search;
  }

  /** The search's result if it arrives within the deadline (and the caller still waits), else `undefined`. */
  private within(search: Promise<readonly Track[]>, signal: AbortSignal): Promise<readonly Track[] | undefined> {
    return new Promise((resolve) => {
      const done = (value: readonly Track[] | undefined) => {
        this.options.clock.clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      };
      const onAbort = () => done(undefined);
      const timer = this.options.clock.setTimeout(() => done(undefined), this.options.timeoutMs ?? 2_000);
      signal.addEventListener('abort', onAbort, { once: true });
      search.then(done, () => done(undefined));
    });
  }

  /** Results cached for the longest shorter prefix, kept only if they contain every complete typed word. */
  private fallback(key: string): readonly Track[] {
    const complete = key.split(' ').slice(0, -1).filter(Boolean);
    for (let end = key.length - 1; end >= (this.options.minLength ?? 2); end--) {
      const tracks = this.fresh(key.slice(0, end).trim());
      if (!tracks) continue;
      return tracks.filter((t) => {
        const haystack = `${t.title} ${t.artist ?? ''}`.toLowerCase();
        return complete.every((word) => haystack.includes(word));
      });
    }
    return [];
  }

  private format(tracks: readonly Track[]): Suggestion[] {
    return tracks.slice(0, this.options.limit ?? 10).map(toSuggestion);
  }
}
