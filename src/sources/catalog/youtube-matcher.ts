import type { Track } from '../../core/track.js';
import type { Logger } from '../../ports/logger.js';
import type { MediaStream, PreparableSource, StreamOptions } from '../../ports/source.js';
import type { Coalescer } from '../../core/coalescer.js';
import type { SourceCache } from '../../ports/source-cache.js';
import { bestMatch, searchTextFor, MATCH_THRESHOLD, type MatchTarget } from './match-score.js';
import { sourceErrors } from '../source-errors.js';

/** Searches YouTube (the yt-dlp source's `search`). */
export interface TrackSearcher {
  search(text: string, signal: AbortSignal, limit?: number): Promise<Track[]>;
}

export interface YouTubeMatcherOptions {
  readonly searcher: TrackSearcher;
  /**
   * Where matches are remembered (its own namespace, e.g. `match`, with a long metadata TTL); none: not at all.
   * The SoundCloud stand-in must have its own, or it would read back the YouTube match that was just refused.
   */
  readonly cache?: SourceCache;
  /** Shares one search between concurrent requests for the same track (optional). */
  readonly coalescer?: Coalescer<string, Track>;
  readonly threshold?: number;
  /** Results considered per search (default 5). */
  readonly candidates?: number;
  readonly logger?: Logger;
  /** Whether a match may be cached (default: all). Stand-ins found while YouTube refuses are not. */
  readonly cacheable?: (match: Track) => boolean;
}

/** What a catalogue track says about itself, for matching. */
export function targetOf(track: Track): MatchTarget {
  const artists = (track.artist ?? '').split(/\s*,\s*/).filter(Boolean);
  return { title: track.title, artists, durationMs: track.durationMs };
}

/**
 * Maps Spotify/Deezer tracks to a playable YouTube upload: one search for "Artist - Title", candidates
 * scored on title, artist and duration (match-score), the best above the threshold kept. Matches are cached,
 * so a popular song costs one search, ever (within the cache's lifetime).
 */
export class YouTubeMatcher {
  constructor(private readonly options: YouTubeMatcherOptions) {}

  async match(track: Track, signal: AbortSignal): Promise<Track> {
    const key = `match:${track.id}`;
    const cached = await this.options.cache?.getResolution(key);
    if (cached?.kind === 'track') return cached.track;
    const run = (s: AbortSignal) => this.search(track, key, s);
    return this.options.coalescer ? this.options.coalescer.run(key, run, signal) : run(signal);
  }

  private async search(track: Track, key: string, signal: AbortSignal): Promise<Track> {
    const target = targetOf(track);
    const results = await this.options.searcher.search(searchTextFor(target), signal, this.options.candidates ?? 5);
    const found = bestMatch(target, results, this.options.threshold ?? MATCH_THRESHOLD);
    this.options.logger?.debug(
      { trackId: track.id, found: found?.id ?? null, results: results.length },
      'youtube match',
    );
    if (!found) throw sourceErrors.noMatch(track.artist ? `${track.artist} - ${track.title}` : track.title);
    if (this.options.cache && (this.options.cacheable?.(found) ?? true))
      await this.options.cache.setResolution(key, { kind: 'track', track: found });
    return found;
  }
}

/**
 * Streaming for catalogue sources (Spotify, Deezer): they have metadata but no audio, so each track is
 * matched to YouTube when it is about to play (or prepared ahead) and streamed by the YouTube source.
 */
export class MatchedStreamer {
  /**
   * `byName` streams a match by its source (YouTube, or SoundCloud for a stand-in found while YouTube refuses
   * this server); `standIn`, when given, matches again elsewhere after YouTube refused the match itself.
   */
  constructor(
    private readonly matcher: YouTubeMatcher,
    private readonly byName: (match: Track) => PreparableSource,
    private readonly standIn?: StandInMatcher,
  ) {}

  /** The match's audio, saying which source served it (YouTube, or SoundCloud standing in). */
  async stream(track: Track, options: StreamOptions): Promise<MediaStream> {
    return this.withStandIn(track, options.signal, async (match) => ({
      ...(await this.byName(match).stream(match, options)),
      servedBy: match.source,
    }));
  }

  async prepare(track: Track, signal: AbortSignal): Promise<void> {
    await this.withStandIn(track, signal, (match) => this.byName(match).prepare(match, signal));
  }

  private async withStandIn<T>(track: Track, signal: AbortSignal, use: (match: Track) => Promise<T>): Promise<T> {
    // Known to refuse right now: a YouTube match remembered from before would only be refused again.
    if (this.standIn?.preferred?.()) return use(await this.standIn.match(track, signal));
    const match = await this.matcher.match(track, signal);
    try {
      return await use(match);
    } catch (error) {
      if (!this.standIn || signal.aborted || !this.standIn.refused(error)) throw error;
      return use(await this.standIn.match(track, signal));
    }
  }
}

/** A second matcher for when YouTube refuses this server (SoundCloud), and how to tell that it refused. */
export interface StandInMatcher {
  refused(error: unknown): boolean;
  /** True while YouTube is known to refuse this server (bot check seen, breaker open, canary down). */
  preferred?(): boolean;
  match(track: Track, signal: AbortSignal): Promise<Track>;
}
