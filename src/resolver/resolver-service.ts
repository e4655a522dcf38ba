/**
 * The track resolver: what `/play` and the session use instead of the bare source registry.
 *
 * resolve: canonical key → song cache (a hit never touches the source) → coalescer (identical concurrent
 * requests share one lookup) → per-source circuit breaker (an ailing source fails fast with a clear
 * message) → worker pool (bounded concurrency; `interactive` before `background`; per-job timeout;
 * transient errors retried) → the source adapter.
 *
 * stream: the same breaker and pool around the adapter's `stream`. resolvePlaylist: first playable
 * track(s) now, the rest in background batches with dedup and the cap (playlist-loader). suggest:
 * autocomplete within ~2 s (suggestions). Metrics are optional callbacks; `stats()` is sampled by /metrics
 * at every scrape (ops/resolver-metrics.ts).
 */
import type { SourceName, Track } from '../core/track.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import {
  isPreparable,
  pagedParts,
  plainResolution,
  type MediaStream,
  type Query,
  type Resolution,
  type Source,
  type StreamOptions,
} from '../ports/source.js';
import { SOURCE_LABELS, sourceErrors } from '../sources/source-errors.js';
import { UserError } from '../core/errors.js';
import type { SourceRegistry } from './source-registry.js';
import type { AddressPolicy } from '../net/address-policy.js';
import { checkUrl } from '../net/safe-fetch.js';
import {
  CircuitBreaker,
  type BreakerListener,
  type BreakerState,
  type CircuitBreakerOptions,
} from './circuit-breaker.js';
import { Coalescer } from '../core/coalescer.js';
import { canonicalQueryKey } from '../core/dedup.js';
import { MAX_PLAYLIST } from '../core/limits.js';
import { loadPlaylist, type PlaylistLoad, type PlaylistLoadOptions } from './playlist-loader.js';
import type { SongCache, SongCacheStats } from './song-cache.js';
import { SuggestionEngine, type Suggestion } from './suggestions.js';
import type { JobPriority, PoolStats, WorkerPool } from './worker-pool.js';

/** Where autocomplete searches go (the YouTube or local source, adapted). */
export interface Suggester {
  readonly name: SourceName;
  search(text: string, signal: AbortSignal): Promise<readonly Track[]>;
}

export interface TrackResolverOptions {
  readonly registry: SourceRegistry;
  readonly cache: SongCache;
  readonly pool: WorkerPool;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** MAX_PLAYLIST (default 1,000). */
  readonly maxPlaylist?: number;
  /** Breaker tuning shared by every source. */
  readonly breaker?: Omit<CircuitBreakerOptions, 'name' | 'clock' | 'logger'>;
  /** Sources whose resolutions are never cached (default: local files and attachments, whose URLs expire). */
  readonly uncached?: readonly SourceName[];
  /** Per-attempt limit for opening a stream (default 45 s: yt-dlp, a YouTube match and the first bytes). */
  readonly streamTimeoutMs?: number;
  readonly suggester?: Suggester;
  readonly suggestTimeoutMs?: number;
  /** Called after each resolve: the source, how long it took, and whether the cache answered. */
  readonly onResolve?: (source: SourceName, seconds: number, cached: boolean) => void;
  readonly onBreakerChange?: BreakerListener;
  /** For `precheck`: user URLs that point at private networks are refused before anything else happens. */
  readonly policy?: AddressPolicy;
}

export interface ResolveOptions {
  /** `interactive` (default) for what a user waits for; `background` for fills and prefetches. */
  readonly priority?: JobPriority;
}

export interface ResolverStats {
  readonly cache: SongCacheStats;
  readonly pool: PoolStats;
  readonly breakers: Readonly<Record<string, BreakerState['kind']>>;
  /** Lookups that joined one already in flight. */
  readonly coalesced: number;
  readonly suggestions: { answered: number; cached: number; timedOut: number } | null;
}

interface Raw {
  readonly resolution: Resolution;
  readonly source: Source;
  readonly key: string;
}

export class TrackResolver {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly lookups = new Coalescer<string, Resolution>();
  private readonly prepares = new Coalescer<string, void>();
  private readonly suggestions: SuggestionEngine | null;
  private readonly uncached: ReadonlySet<SourceName>;
  private coalesced = 0;

  constructor(private readonly options: TrackResolverOptions) {
    this.uncached = new Set(options.uncached ?? ['local', 'attachment']);
    const suggester = options.suggester;
    this.suggestions = suggester
      ? new SuggestionEngine({
          clock: options.clock,
          ...(options.suggestTimeoutMs ? { timeoutMs: options.suggestTimeoutMs } : {}),
          // Background priority: a keystroke must never delay another guild's track start.
          search: (text, signal) =>
            this.guarded(suggester.name, () =>
              options.pool.submit((s) => suggester.search(text, s), { priority: 'background', signal }),
            ),
        })
      : null;
  }

  /** The whole resolution (a playlist's tail fetched too): a drop-in for `SourceRegistry.resolve`. */
  async resolve(query: Query, signal: AbortSignal, options: ResolveOptions = {}): Promise<Resolution> {
    const raw = await this.resolveRaw(query, signal, options.priority ?? 'interactive');
    const { more } = pagedParts(raw.resolution);
    if (!more || raw.resolution.kind !== 'playlist') return plainResolution(raw.resolution);
    const tail = await this.runMore(raw.source.name, more, signal, options.priority ?? 'interactive');
    const tracks = [...raw.resolution.tracks, ...tail].slice(0, this.maxPlaylist);
    await this.remember(raw, tracks);
    return plainResolution(raw.resolution, tracks);
  }

  /**
   * For `/play`: the first playable track(s) now (prepared, so playback starts without another lookup), the
   * rest through `rest` in background batches, deduplicated and capped, with progress counts.
   */
  async resolvePlaylist(query: Query, options: PlaylistLoadOptions): Promise<PlaylistLoad> {
    const raw = await this.resolveRaw(query, options.signal, 'interactive');
    const resolution = raw.resolution;
    if (resolution.kind === 'track') return singleTrack(resolution.track);
    const parts = pagedParts(resolution);
    const cap = Math.min(options.cap ?? this.maxPlaylist, this.maxPlaylist);
    const input = {
      title: resolution.title,
      tracks: resolution.tracks,
      skipped: parts.skipped,
      ...(parts.more ? { more: parts.more } : {}),
      ...(parts.total !== undefined ? { total: parts.total } : {}),
    };
    return loadPlaylist(input, options, cap, {
      prepare: (track, signal) => this.prepare(track, signal, 'interactive'),
      fetchMore: (more, signal) => this.runMore(raw.source.name, more, signal, 'background'),
      complete: (all) => void (parts.more ? this.remember(raw, all.slice(0, this.maxPlaylist)) : undefined),
      onError: (error) => this.options.logger?.warn({ err: error, key: raw.key }, 'playlist fill: source failure'),
    });
  }

  /** Opens a track's audio through its source's breaker and the pool. */
  stream(track: Track, options: StreamOptions): Promise<MediaStream> {
    const source = this.options.registry.named(track.source);
    if (!source) return Promise.reject(sourceErrors.trouble(label(track.source)));
    const job = async (jobSignal: AbortSignal): Promise<MediaStream> => {
      const media = await source.stream(track, {
        startMs: options.startMs,
        signal: AbortSignal.any([options.signal, jobSignal]),
      });
      if (jobSignal.aborted) {
        media.stream.destroy(); // the pool gave up on this attempt: nobody will read it
        throw jobSignal.reason;
      }
      return media;
    };
    const timeoutMs = this.options.streamTimeoutMs ?? 45_000;
    return this.guarded(track.source, () =>
      this.options.pool.submit(job, { priority: 'interactive', signal: options.signal, timeoutMs }),
    );
  }

  /** `/play` autocomplete choices; an empty list when nothing comes back within ~2 s. */
  async suggest(text: string, signal: AbortSignal): Promise<Suggestion[]> {
    return this.suggestions ? this.suggestions.suggest(text, signal).catch(() => []) : [];
  }

  breakerState(source: SourceName): BreakerState {
    return this.breaker(source).state;
  }

  stats(): ResolverStats {
    const breakers = Object.fromEntries([...this.breakers].map(([name, b]) => [name, b.state.kind]));
    return {
      cache: this.options.cache.stats(),
      pool: this.options.pool.stats(),
      breakers,
      coalesced: this.coalesced,
      suggestions: this.suggestions?.stats() ?? null,
    };
  }

  /**
   * The checks that need no network (scheme, a source for the query, literal private addresses and localhost
   * names): `/play` runs them before joining voice, so a refused link never costs a join and a leave.
   * Throws the same UserError resolving would; DNS-based refusals still happen while resolving.
   */
  precheck(query: Query): void {
    if (query.kind !== 'url') return;
    const http = query.url.protocol === 'http:' || query.url.protocol === 'https:';
    if (http && this.options.policy) checkUrl(query.url, this.options.policy);
    if (!this.options.registry.find(query)) throw new UserError(http ? 'UNSUPPORTED_QUERY' : 'UNSUPPORTED_SCHEME');
  }

  private async resolveRaw(query: Query, signal: AbortSignal, priority: JobPriority): Promise<Raw> {
    const source = this.options.registry.find(query);
    if (!source) return this.unsupported(query, signal);
    const key = `${source.name}:${canonicalQueryKey(query)}`;
    const started = this.options.clock.now();
    const cacheable = !this.uncached.has(source.name);
    const hit = cacheable ? await this.options.cache.getResolution(key) : undefined;
    if (hit) {
      this.report(source.name, started, true);
      return { resolution: hit, source, key };
    }
    if (this.lookups.has(key)) this.coalesced++;
    const resolution = await this.lookups.run(
      key,
      (shared) =>
        this.guarded(source.name, () =>
          this.options.pool.submit((s) => source.resolve(query, s), { priority, signal: shared }),
        ),
      signal,
    );
    this.report(source.name, started, false);
    const raw = { resolution, source, key };
    // A track from another source answered on this one's behalf (SoundCloud while YouTube refuses us) is a
    // stopgap, not what the query means: it is not cached, so the query goes back to its source once it serves.
    const standIn = resolution.kind === 'track' && resolution.track.source !== source.name && source.name === 'youtube';
    if (cacheable && !standIn && !pagedParts(resolution).more) await this.remember(raw);
    return raw;
  }

  /** No adapter takes the query: the registry's own refusal (unsupported scheme or query) has the precise message. */
  private async unsupported(query: Query, signal: AbortSignal): Promise<never> {
    await this.options.registry.resolve(query, signal);
    throw sourceErrors.formatUnsupported('that');
  }

  private prepare(track: Track, signal: AbortSignal, priority: JobPriority): Promise<void> {
    const source = this.options.registry.named(track.source);
    if (!source || !isPreparable(source)) return Promise.resolve();
    return this.prepares.run(
      `${track.source}:${track.id}`,
      (shared) =>
        this.guarded(track.source, () =>
          this.options.pool.submit((s) => source.prepare(track, s), { priority, signal: shared }),
        ),
      signal,
    );
  }

  private runMore(
    name: SourceName,
    more: (signal: AbortSignal) => Promise<readonly Track[]>,
    signal: AbortSignal,
    priority: JobPriority,
  ) {
    return this.guarded(name, () => this.options.pool.submit(more, { priority, signal }));
  }

  private async remember(raw: Raw, tracks?: readonly Track[]): Promise<void> {
    if (this.uncached.has(raw.source.name)) return;
    await this.options.cache.setResolution(raw.key, plainResolution(raw.resolution, tracks));
  }

  /**
   * Runs `work` through the source's breaker; a fail-fast refusal becomes the clear "having trouble" message.
   * Sources whose origin the user picks (direct links, radio) have no breaker: a member linking a dead host
   * five times is not an outage, and must not make every other guild's links fail fast.
   */
  private async guarded<T>(name: SourceName, work: () => Promise<T>): Promise<T> {
    if (USER_CHOSEN_ORIGINS.has(name)) return work();
    let admitted = false;
    try {
      return await this.breaker(name).execute(() => {
        admitted = true;
        return work();
      });
    } catch (error) {
      if (!admitted) throw sourceErrors.trouble(label(name));
      throw error;
    }
  }

  private breaker(name: string): CircuitBreaker {
    let breaker = this.breakers.get(name);
    if (!breaker) {
      const { clock, logger, onBreakerChange } = this.options;
      breaker = new CircuitBreaker({ ...this.options.breaker, name, clock, ...(logger ? { logger } : {}) });
      if (onBreakerChange) breaker.onStateChange(onBreakerChange);
      this.breakers.set(name, breaker);
    }
    return breaker;
  }

  private report(source: SourceName, started: number, cached: boolean): void {
    this.options.onResolve?.(source, (this.options.clock.now() - started) / 1000, cached);
  }

  private get maxPlaylist(): number {
    return this.options.maxPlaylist ?? MAX_PLAYLIST;
  }
}

/** Sources that fetch whatever host the user named: their failures say nothing about the bot's own health. */
const USER_CHOSEN_ORIGINS: ReadonlySet<SourceName> = new Set(['http', 'radio']);

/** Sources whose preparation stays useful for minutes (signed URLs, matches). */

const label = (name: string): string => SOURCE_LABELS[name] ?? name;

function singleTrack(track: Track): PlaylistLoad {
  const progress = { added: 1, duplicates: 0, failed: 0, overCap: 0, total: 1, done: true };
  return {
    kind: 'track',
    title: track.title,
    first: [track],
    rest: (async function* () {})(),
    progress: () => progress,
  };
}
