import { UserError, isUserError } from '../../core/errors.js';
import type { Track } from '../../core/track.js';
import type { AddressPolicy } from '../../net/address-policy.js';
import type { Logger } from '../../ports/logger.js';
import type {
  MediaStream,
  PagedPlaylist,
  PreparableSource,
  Query,
  Resolution,
  StreamOptions,
} from '../../ports/source.js';
import { youtubePlaylistId, youtubeVideoId } from '../../core/dedup.js';
import { escapeText } from '../../core/format.js';
import { MAX_PLAYLIST } from '../../core/limits.js';
import type { SourceCache } from '../../ports/source-cache.js';
import { sourceErrors } from '../source-errors.js';
import type { YtDlpClient } from './ytdlp-client.js';
import { YtDlpError } from './ytdlp-errors.js';
import { YtDlpStreamer } from './ytdlp-streamer.js';
import { refusesServer } from './youtube-failures.js';

export interface YtDlpSourceOptions {
  /** `null` when yt-dlp was not found: YouTube links then get a message saying what to install. */
  readonly client: YtDlpClient | null;
  readonly cache: SourceCache;
  readonly policy: AddressPolicy;
  /** Time allowed until the media server's headers arrive. */
  readonly timeoutMs: number;
  /** Entries taken from one playlist at most (MAX_PLAYLIST). */
  readonly maxPlaylist?: number;
  /** Whether plain-text searches go to YouTube (SEARCH_SOURCE=youtube). */
  readonly search?: boolean;
  readonly logger?: Logger;
  /** Where a search goes when YouTube refuses this server while answering it (SoundCloud). */
  readonly fallback?: SearchFallback;
  /** What to offer instead of a video YouTube refused to this server (a SoundCloud upload that matches it well). */
  readonly suggestion?: RefusalSuggestion;
}

/** Finds a stand-in for a refused video; null when none matches well (it never throws). */
export interface RefusalSuggestion {
  suggest(videoId: string, signal: AbortSignal): Promise<Track | null>;
}

/**
 * The longest a suggestion may add to a refusal's reply (two flat yt-dlp runs). It must leave the refusal well
 * inside the resolver's per-job limit (15 s), or the member would read a timeout instead of the cause.
 */
const SUGGESTION_BUDGET_MS = 6000;

/** The search that stands in for YouTube's (SoundCloud's `scsearch`). */
export interface SearchFallback {
  firstResult(text: string, signal: AbortSignal): Promise<Track>;
}

const YOUTUBE_HOST = /(?:^|\.)(?:youtube\.com|youtube-nocookie\.com|youtu\.be)$/i;

/** A SoundCloud page (ytdlp-source must not import soundcloud-source, which imports it). */
const isSoundCloudPage = (url: URL): boolean =>
  url.protocol === 'https:' && /^(?:www\.|m\.)?soundcloud\.com$/i.test(url.hostname);

/** True for any YouTube or YouTube Music URL. */
export const isYoutubeUrl = (url: URL): boolean => /^https?:$/.test(url.protocol) && YOUTUBE_HOST.test(url.hostname);

/**
 * YouTube and YouTube Music through yt-dlp (play-dl's YouTube support is broken): single videos, playlists
 * and albums (flat: each entry's stream URL is fetched when it is about to play), and text searches.
 * Resolving a video caches its signed stream URL, so the first play starts without a second yt-dlp run.
 */
export class YtDlpSource implements PreparableSource {
  readonly name = 'youtube' as const;
  private readonly streamer: YtDlpStreamer | null;

  constructor(private readonly options: YtDlpSourceOptions) {
    const { client, cache, policy, timeoutMs, logger } = options;
    this.streamer = client
      ? new YtDlpStreamer({ client, cache, policy, timeoutMs, label: 'YouTube', ...(logger ? { logger } : {}) })
      : null;
  }

  canHandle(query: Query): boolean {
    if (query.kind === 'search') return this.options.search === true;
    return query.kind === 'url' && isYoutubeUrl(query.url);
  }

  async resolve(query: Query, signal: AbortSignal): Promise<Resolution> {
    const client = this.client();
    if (query.kind === 'search') return { kind: 'track', track: await this.searchTrack(query.text, signal) };
    if (query.kind !== 'url') throw new UserError('UNSUPPORTED_QUERY');
    const video = youtubeVideoId(query.url);
    const isListPage = query.url.pathname === '/playlist' || (video === null && youtubePlaylistId(query.url) !== null);
    if (video && !isListPage) {
      const { track, format } = await explain(client.video(query.url.href, signal)).catch((error: unknown) =>
        this.refusedWithSuggestion(error, video, signal),
      );
      await this.streamer?.remember(track.id, format);
      return { kind: 'track', track };
    }
    const list = await explain(client.playlist(query.url.href, signal, this.options.maxPlaylist ?? MAX_PLAYLIST));
    if (list.tracks.length === 0) throw sourceErrors.playlistEmpty();
    const resolution: PagedPlaylist = {
      kind: 'playlist',
      title: list.title,
      tracks: list.tracks,
      skipped: list.skipped,
    };
    return resolution;
  }

  async stream(track: Track, options: StreamOptions): Promise<MediaStream> {
    this.client();
    return explain((this.streamer as YtDlpStreamer).open(track, options.signal));
  }

  async prepare(track: Track, signal: AbortSignal): Promise<void> {
    this.client();
    await explain((this.streamer as YtDlpStreamer).prepare(track, signal));
  }

  /** The first `limit` results for `text` (autocomplete, Spotify/Deezer matching). */
  async search(text: string, signal: AbortSignal, limit = 5): Promise<Track[]> {
    return explain(this.client().search(text, signal, limit));
  }

  /**
   * YouTube's "Mix" for a video (`watch?v=<id>&list=RD<id>`, what the player's autoplay draws from): related
   * videos, best first, the seed itself left out. Flat: each is resolved when it plays.
   */
  async related(track: Track, signal: AbortSignal, limit = 25): Promise<Track[]> {
    const id = youtubeVideoId(track.url) ?? /^youtube:([\w-]{11})$/.exec(track.id)?.[1];
    if (!id) return [];
    const mix = `https://www.youtube.com/watch?v=${id}&list=RD${id}`;
    const list = await explain(this.client().playlist(mix, signal, limit + 1));
    return list.tracks.filter((t) => youtubeVideoId(t.url) !== id);
  }

  /**
   * The first result, checked playable by preparing it (its signed URL is needed to play anyway, so this
   * costs nothing); when YouTube refuses this server — to the search or to the video — the fallback answers.
   * Other failures of the result itself are left for playback to report, as before.
   */
  private async searchTrack(text: string, signal: AbortSignal): Promise<Track> {
    const fallback = this.options.fallback;
    try {
      const track = await this.firstResult(text, signal);
      if (fallback)
        await this.prepare(track, signal).catch((error: unknown) => {
          if (isUserError(error) && refusesServer(error.code)) throw error;
        });
      return track;
    } catch (error) {
      if (!fallback || signal.aborted || !isUserError(error) || !refusesServer(error.code)) throw error;
      this.options.logger?.info({ code: error.code }, 'YouTube refused a search; answering from SoundCloud');
      return fallback.firstResult(text, signal);
    }
  }

  /**
   * A video YouTube refused to this server keeps its classified failure; when SoundCloud has the same recording,
   * the failure carries a note offering it (the member decides: nothing is queued). Rethrows `error` always.
   */
  private async refusedWithSuggestion(error: unknown, videoId: string, signal: AbortSignal): Promise<never> {
    const suggestion = this.options.suggestion;
    if (!suggestion || signal.aborted || !isUserError(error) || !refusesServer(error.code)) throw error;
    const budget = AbortSignal.any([signal, AbortSignal.timeout(SUGGESTION_BUDGET_MS)]);
    const found = await suggestion.suggest(videoId, budget);
    const page = found && URL.canParse(found.url) ? new URL(found.url) : null;
    if (!found || !page || !isSoundCloudPage(page)) throw error;
    page.search = '';
    page.hash = '';
    throw error.withNote('SOUNDCLOUD_SUGGESTION', {
      title: escapeText(found.title, 100),
      by: found.artist ? ` by ${escapeText(found.artist, 60)}` : '',
      url: page.href,
    });
  }

  private async firstResult(text: string, signal: AbortSignal): Promise<Track> {
    const results = await this.search(text, signal, 3);
    const track = results.find((t) => !t.isLive) ?? results[0];
    if (!track) throw sourceErrors.noResults();
    return track;
  }

  private client(): YtDlpClient {
    if (!this.options.client) throw sourceErrors.ytDlpMissing();
    return this.options.client;
  }
}

/** A yt-dlp that cannot be started gets the "install yt-dlp" message rather than a generic outage. */
export async function explain<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const cause = (error as { cause?: unknown } | null)?.cause ?? error;
    if (cause instanceof YtDlpError && cause.kind === 'spawn-failed') throw sourceErrors.ytDlpMissing();
    throw error;
  }
}
