import type { AddressPolicy } from '../net/address-policy.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Resolution, Source } from '../ports/source.js';
import type { KeyValueStore } from '../ports/store.js';
import { TrackResolver, type Suggester, type TrackResolverOptions } from './resolver-service.js';
import { Coalescer } from '../core/coalescer.js';
import { SongCache } from './song-cache.js';
import { WorkerPool, type WorkerPoolOptions } from './worker-pool.js';
import type { Track } from '../core/track.js';
import { AttachmentSource } from '../sources/http/attachment-source.js';
import { DeezerSource, createDeezerApi, type DeezerApi } from '../sources/catalog/deezer-source.js';
import { HttpSource } from '../sources/http/http-source.js';
import { LocalSource } from '../sources/local/local-source.js';
import { PlaylistFileSource } from '../sources/http/playlist-file-source.js';
import { RadioSource } from '../sources/http/radio-source.js';
import { SoundCloudSource } from '../sources/ytdlp/soundcloud-source.js';
import { SourceRegistry } from './source-registry.js';
import { createSpotifyApi, type SpotifyCredentials } from '../sources/catalog/spotify-api.js';
import { SpotifySource, type SpotifyApi } from '../sources/catalog/spotify-source.js';
import { locateYtDlp } from '../sources/ytdlp/ytdlp-binary.js';
import { YtDlpClient, type YtDlpClientOptions, type YtDlpObserver } from '../sources/ytdlp/ytdlp-client.js';
import { YtDlpSource } from '../sources/ytdlp/ytdlp-source.js';
import { MatchedStreamer, YouTubeMatcher } from '../sources/catalog/youtube-matcher.js';
import { StandInSuggester } from '../sources/catalog/stand-in-suggester.js';
import { OwnerAdvisor } from '../sources/ytdlp/youtube-advisor.js';
import { YouTubeHealth } from '../sources/ytdlp/youtube-health.js';
import { youtubeObserver } from '../sources/ytdlp/youtube-observer.js';
import { refusesServer } from '../sources/ytdlp/youtube-failures.js';
import { isUserError } from '../core/errors.js';

export type SearchSource = 'youtube' | 'local';

export interface SourceStackOptions {
  readonly policy: AddressPolicy;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly store: KeyValueStore;
  /** FETCH_TIMEOUT: headers of any media/playlist request. */
  readonly fetchTimeoutMs: number;
  /** MAX_MEDIA_BYTES. */
  readonly maxMediaBytes: number;
  /** YTDLP_PATH (else yt-dlp on PATH; missing yt-dlp only disables YouTube/SoundCloud, with a clear message). */
  readonly ytdlpPath?: string;
  /** Extra yt-dlp client options (env for tests, args such as cookies). */
  readonly ytdlp?: Partial<Omit<YtDlpClientOptions, 'binary' | 'clock' | 'logger' | 'observer'>>;
  /** SEARCH_SOURCE (default youtube). */
  readonly searchSource?: SearchSource;
  /** MEDIA_DIR; the local source exists only when set. */
  readonly mediaDir?: string;
  /** SPOTIFY_CLIENT_ID / SPOTIFY_CLIENT_SECRET / SPOTIFY_REFRESH_TOKEN / SPOTIFY_MARKET. */
  readonly spotify?: SpotifyCredentials;
  /** Test seams for play-dl (default: the real play-dl). */
  readonly spotifyApi?: SpotifyApi | null;
  readonly deezerApi?: DeezerApi;
  /** RESOLVE_CONCURRENCY (default 3). */
  readonly resolveConcurrency?: number;
  /** CACHE_TTL: resolved metadata lifetime (default 1 h). */
  readonly cacheTtlMs?: number;
  /** MAX_PLAYLIST (default 1,000). */
  readonly maxPlaylist?: number;
  /** Discord CDN hosts for attachments (tests point this at loopback). */
  readonly attachmentHosts?: readonly string[];
  readonly random?: () => number;
  /** Worker pool tuning (per-job timeout, retries, back-off). */
  readonly pool?: Partial<Omit<WorkerPoolOptions, 'clock' | 'random' | 'concurrency'>>;
  /** The self-updater's switched-in yt-dlp, when there is one (used instead of the located binary). */
  readonly ytdlpActive?: () => string | undefined;
  /** Every classified source failure (source_failures_total). */
  readonly onSourceFailure?: (source: 'youtube' | 'soundcloud', code: string) => void;
  /** Anything else for the resolver (metrics callbacks, breaker tuning, timeouts). */
  readonly resolver?: Partial<Omit<TrackResolverOptions, 'registry' | 'cache' | 'pool' | 'clock' | 'logger'>>;
}

export interface SourceStack {
  readonly resolver: TrackResolver;
  readonly registry: SourceRegistry;
  readonly cache: SongCache;
  readonly pool: WorkerPool;
  readonly youtube: YtDlpSource;
  readonly soundcloud: SoundCloudSource;
  readonly local: LocalSource | null;
  /** Whether yt-dlp was found (for the start-up log and /readyz). */
  readonly ytdlpFound: boolean;
  /** YouTube's attitude to this server: steers searches to SoundCloud, feeds /readyz and source_health. */
  readonly health: YouTubeHealth;
  /** The shared yt-dlp client (null without yt-dlp), for the canary. */
  readonly client: YtDlpClient | null;
}

/**
 * Builds every source adapter, the registry (order matters: the first adapter that can handle a query wins)
 * and the resolver in front of it. The composition root calls this once; tests call it with fakes.
 */
export async function createSourceStack(options: SourceStackOptions): Promise<SourceStack> {
  const { policy, clock, logger, store } = options;
  const maxPlaylist = options.maxPlaylist ?? 1000;
  const timeoutMs = options.fetchTimeoutMs;
  const cache = new SongCache({
    store,
    clock,
    logger,
    ...(options.cacheTtlMs ? { metadataTtlMs: options.cacheTtlMs } : {}),
  });
  const matchCache = new SongCache({ store, clock, logger, namespace: 'match', metadataTtlMs: 7 * 24 * 3_600_000 });
  const health = new YouTubeHealth({ clock });
  const advisor = new OwnerAdvisor({ clock, logger });
  const observer = youtubeObserver({
    health,
    advisor,
    ...(options.onSourceFailure ? { countFailure: options.onSourceFailure } : {}),
  });
  const client = await ytdlpClient(options, observer);
  const searchesYoutube = (options.searchSource ?? 'youtube') === 'youtube';
  // While YouTube refuses this server, searches and catalogue matches are answered from SoundCloud.
  const soundcloud = new SoundCloudSource({
    client,
    cache,
    policy,
    timeoutMs,
    maxPlaylist,
    logger,
    searchWhile: () => (searchesYoutube ? health.refusal() : null),
  });
  // A YouTube link YouTube refuses gets its refusal plus the SoundCloud upload of the same recording, if any.
  const suggester = new StandInSuggester({
    youtube: { search: (text, signal, limit) => youtube.search(text, signal, limit) },
    soundcloud,
    logger,
  });
  const youtube: YtDlpSource = new YtDlpSource({
    client,
    cache,
    policy,
    timeoutMs,
    maxPlaylist,
    search: searchesYoutube,
    logger,
    fallback: soundcloud,
    suggestion: suggester,
  });
  const standInCache = new SongCache({ store, clock, logger, namespace: 'standin', metadataTtlMs: 10 * 60_000 });
  const { streamer } = catalogMatching({ youtube, soundcloud, health, matchCache, standInCache, logger });
  const spotifyApi =
    options.spotifyApi !== undefined ? options.spotifyApi : options.spotify ? createSpotifyApi(options.spotify) : null;
  // HttpSource hands playlist files to PlaylistFileSource, which probes and streams entries through HttpSource:
  // the closure reads `playlists` only when a URL turns out to be a playlist, long after both exist.
  const http: HttpSource = new HttpSource({
    policy,
    clock,
    timeoutMs,
    maxBytes: options.maxMediaBytes,
    playlists: { resolveUrl: (url, signal): Promise<Resolution> => playlists.resolveUrl(url, signal) },
  });
  const playlists = new PlaylistFileSource({ policy, timeoutMs, http, maxPlaylist });
  const local = options.mediaDir
    ? new LocalSource({ root: options.mediaDir, search: options.searchSource === 'local', clock })
    : null;
  if (local)
    void local.index.refresh().then(
      (n) => logger.info({ files: n }, 'local music indexed'),
      (err: unknown) => logger.warn({ err }, 'MEDIA_DIR could not be indexed'),
    );
  const sources: Source[] = [
    new AttachmentSource({
      http,
      playlists,
      policy,
      timeoutMs,
      maxBytes: options.maxMediaBytes,
      ...(options.attachmentHosts ? { hosts: options.attachmentHosts } : {}),
    }),
    ...(local ? [local] : []),
    new SpotifySource({ api: spotifyApi, streamer, maxPlaylist, logger }),
    new DeezerSource({ api: options.deezerApi ?? createDeezerApi(), streamer, maxPlaylist }),
    soundcloud,
    youtube,
    playlists,
    new RadioSource({ policy, timeoutMs }),
    http, // last: it takes any http(s) URL; also the one named 'http' that streams playlist entries
  ];
  const registry = new SourceRegistry(sources);
  const pool = new WorkerPool({
    ...options.pool,
    clock,
    random: options.random ?? Math.random,
    concurrency: options.resolveConcurrency ?? 3,
  });
  const resolver = new TrackResolver({
    registry,
    cache,
    pool,
    clock,
    logger,
    maxPlaylist,
    policy: options.policy,
    ...options.resolver,
    ...suggesterFor(options, youtube, local),
  });
  return { resolver, registry, cache, pool, youtube, soundcloud, local, ytdlpFound: client !== null, health, client };
}

/**
 * Spotify/Deezer tracks matched to YouTube (cached), or to SoundCloud while YouTube refuses this server, or when
 * YouTube refuses the match itself (stand-ins are kept 10 minutes, apart from the YouTube matches, so YouTube is
 * asked again once it serves us).
 */
function catalogMatching(deps: {
  youtube: YtDlpSource;
  soundcloud: SoundCloudSource;
  health: YouTubeHealth;
  matchCache: SongCache;
  standInCache: SongCache;
  logger: Logger;
}) {
  const { youtube, soundcloud, health, matchCache, standInCache, logger } = deps;
  const refused = (error: unknown) => isUserError(error) && refusesServer(error.code);
  const searcher = {
    search: async (text: string, signal: AbortSignal, limit?: number) => {
      if (health.refusal()) return soundcloud.search(text, signal, limit);
      return youtube.search(text, signal, limit).catch((error: unknown) => {
        if (!refused(error) || signal.aborted) throw error;
        return soundcloud.search(text, signal, limit);
      });
    },
  };
  const cacheable = (match: Track) => match.source === 'youtube';
  const matcher = new YouTubeMatcher({
    searcher,
    cache: matchCache,
    coalescer: new Coalescer<string, Track>(),
    logger,
    cacheable,
  });
  // Stand-ins live in their own short-lived namespace: never in the match cache (which holds the YouTube match
  // just refused, and must send the track back to YouTube once it serves us), but one SoundCloud search serves a
  // track's preparation and its playback.
  const standIn = new YouTubeMatcher({ searcher: soundcloud, cache: standInCache, logger });
  const byName = (match: Track) => (match.source === 'soundcloud' ? soundcloud : youtube);
  return {
    matcher,
    streamer: new MatchedStreamer(matcher, byName, {
      refused,
      preferred: () => health.refusal() !== null,
      match: (track, signal) => standIn.match(track, signal),
    }),
  };
}

async function ytdlpClient(options: SourceStackOptions, observer: YtDlpObserver): Promise<YtDlpClient | null> {
  const location = await locateYtDlp(options.ytdlpPath ? { configuredPath: options.ytdlpPath } : {});
  if (!location.ok) {
    options.logger.warn(
      { reason: location.reason },
      'yt-dlp not found: YouTube, SoundCloud, Spotify and Deezer links will not play',
    );
    return null;
  }
  const active = options.ytdlpActive;
  return new YtDlpClient({
    ...options.ytdlp,
    binary: location.path,
    clock: options.clock,
    logger: options.logger,
    observer,
    ...(active ? { resolveBinary: () => active() ?? location.path } : {}),
  });
}

/** Autocomplete searches the search source (local file names are instant; YouTube goes through yt-dlp). */
function suggesterFor(
  options: SourceStackOptions,
  youtube: YtDlpSource,
  local: LocalSource | null,
): { suggester?: Suggester } {
  if (options.resolver?.suggester) return {};
  if (options.searchSource === 'local' && local)
    return { suggester: { name: 'local', search: (text) => local.search(text, 10) } };
  return { suggester: { name: 'youtube', search: (text, signal) => youtube.search(text, signal, 5) } };
}
