import { traced } from '../../core/activity.js';
import { UserError } from '../../core/errors.js';
import type { Track } from '../../core/track.js';
import type { AddressPolicy } from '../../net/address-policy.js';
import type {
  MediaStream,
  PagedPlaylist,
  PreparableSource,
  Query,
  Resolution,
  StreamOptions,
} from '../../ports/source.js';
import { MAX_PLAYLIST } from '../../core/limits.js';
import { isAbortError } from '../../core/transient.js';
import { checkUrl } from '../../net/safe-fetch.js';
import { contentTypeOf, openMedia, readText } from './media-fetch.js';
import { parsePlaylist, type PlaylistEntry, type PlaylistParseResult } from './playlist-parsers.js';
import { radioTrackFromHls } from './radio-source.js';
import { sourceErrors } from '../source-errors.js';

/** The part of `HttpSource` this adapter uses: checking one entry, and streaming `http` tracks. */
export interface EntryProber {
  /** `titleFromTags`: the title is the file's own tag, not derived from its name. */
  probe(url: URL, signal: AbortSignal): Promise<Track & { readonly titleFromTags?: true }>;
  stream(track: Track, options: StreamOptions): Promise<MediaStream>;
}

export interface PlaylistFileSourceOptions {
  readonly policy: AddressPolicy;
  readonly timeoutMs: number;
  readonly http: EntryProber;
  /**
   * MAX_PLAYLIST (default 1,000). Files are read further (up to READ_LIMIT entries): the playlist loader adds
   * up to the cap and counts the rest as over the limit, so the user learns how much was left out.
   */
  readonly maxPlaylist?: number;
  /** Largest playlist file accepted (default 2 MiB). */
  readonly maxFileBytes?: number;
  /** Playlists named inside a playlist that are expanded, at most (default 10; never deeper than one level). */
  readonly maxNested?: number;
}

/** What is known about a playlist file besides its text. */
export interface PlaylistFileMeta {
  readonly url: URL;
  readonly contentType?: string;
  /** Display name (an attachment's file name); else taken from the URL. */
  readonly name?: string;
}

const PLAYLIST_EXTENSION = /\.(?:m3u8?|pls|xspf)$/i;
/** A playlist this small whose entries name no duration is probably one radio station (with mirrors). */
const STATION_MAX_ENTRIES = 10;
const STATION_PROBES = 3;
/** Entries read from one playlist file at most, whatever MAX_PLAYLIST (its largest allowed value). */
const READ_LIMIT = 10_000;

export const isPlaylistFileName = (name: string): boolean => PLAYLIST_EXTENSION.test(name);

const PLAYLIST_TYPES =
  /^(?:audio\/(?:x-)?mpegurl|application\/(?:x-mpegurl|vnd\.apple\.mpegurl)|audio\/x-scpls|application\/(?:pls\+xml|xspf\+xml))$/i;

/** Content-Types playlist files are served with. */
export const isPlaylistContentType = (type: string | undefined): boolean =>
  PLAYLIST_TYPES.test(type?.split(';')[0]?.trim() ?? '');

/**
 * M3U/M3U8, PLS and XSPF files, by URL (extension, or handed over by `HttpSource` when the bytes or the
 * Content-Type say playlist) or as a Discord attachment. Entries become `http` tracks, streamed by
 * `HttpSource` — so every entry URL still passes the address policy when it plays. A small playlist of
 * duration-less entries is checked for a live station first: radio `.pls`/`.m3u` files resolve to one live
 * track (the first mirror that answers), not a "playlist" of mirrors. HLS resolves to a `radio` track.
 */
export class PlaylistFileSource implements PreparableSource {
  readonly name = 'http' as const;

  constructor(private readonly options: PlaylistFileSourceOptions) {}

  canHandle(query: Query): boolean {
    return query.kind === 'url' && /^https?:$/.test(query.url.protocol) && PLAYLIST_EXTENSION.test(query.url.pathname);
  }

  async resolve(query: Query, signal: AbortSignal): Promise<Resolution> {
    if (query.kind === 'search') throw new UserError('UNSUPPORTED_QUERY');
    return this.resolveUrl(query.url, signal);
  }

  /** Fetches and resolves a playlist file (also the `HttpSource` hand-over). */
  async resolveUrl(url: URL, signal: AbortSignal): Promise<Resolution> {
    const { text, meta } = await this.fetchText(url, signal);
    return this.fromText(text, meta, signal);
  }

  /** Resolves playlist text already in hand (an attachment's body, or a fetched file). */
  async fromText(text: string, meta: PlaylistFileMeta, signal: AbortSignal): Promise<Resolution> {
    const parsed = this.parse(text, meta, 0);
    if (parsed.reason === 'hls-stream')
      return { kind: 'track', track: radioTrackFromHls(meta.url, text, titleOf(meta)) };
    const expanded = await this.expandNested(parsed, signal);
    const entries = expanded.items.filter((item): item is PlaylistEntry => !('source' in item));
    const station = await this.station(expanded.items, entries, signal);
    if (station) return { kind: 'track', track: station };
    const tracks = expanded.items.map((item) => ('source' in item ? item : entryTrack(item)));
    if (tracks.length === 0)
      throw expanded.refused > 0 ? new UserError('PRIVATE_ADDRESS') : sourceErrors.playlistEmpty();
    if (tracks.length === 1) return { kind: 'track', track: tracks[0] as Track };
    const resolution: PagedPlaylist = { kind: 'playlist', title: titleOf(meta), tracks, skipped: expanded.skipped };
    return resolution;
  }

  stream(track: Track, options: StreamOptions): Promise<MediaStream> {
    return this.options.http.stream(track, options);
  }

  /** Opens the first bytes of an entry (kept for its first play) so a dead first entry is skipped early. */
  async prepare(track: Track, signal: AbortSignal): Promise<void> {
    await this.options.http.probe(new URL(track.url), signal);
  }

  private parse(text: string, meta: PlaylistFileMeta, depth: number): PlaylistParseResult {
    return traced('parse:playlist', () =>
      parsePlaylist(text, {
        baseUrl: meta.url,
        maxEntries: this.readLimit,
        depth,
        ...(meta.contentType ? { contentType: meta.contentType } : {}),
      }),
    );
  }

  private async fetchText(url: URL, signal: AbortSignal): Promise<{ text: string; meta: PlaylistFileMeta }> {
    const response = await openMedia(url, {
      policy: this.options.policy,
      signal,
      timeoutMs: this.options.timeoutMs,
      maxBytes: this.maxFileBytes,
    });
    const text = await readText(response.body, this.maxFileBytes);
    const contentType = contentTypeOf(response.headers);
    return { text, meta: { url: response.url, ...(contentType ? { contentType } : {}) } };
  }

  /**
   * Replaces entries that are playlists themselves with their entries (one level; deeper ones the parser
   * drops), bounded by `maxNested` fetches and the overall cap. Unreachable nested playlists count as skipped.
   */
  private async expandNested(
    parsed: PlaylistParseResult,
    signal: AbortSignal,
  ): Promise<{ items: (PlaylistEntry | Track)[]; skipped: number; refused: number }> {
    const cap = this.readLimit;
    let budget = this.options.maxNested ?? 10;
    let skipped = parsed.skipped + parsed.nestedDropped;
    let refused = 0;
    const items: (PlaylistEntry | Track)[] = [];
    for (const entry of parsed.entries) {
      if (items.length >= cap) break;
      if (!this.permitted(entry)) {
        skipped++;
        refused++;
        continue;
      }
      if (!entry.isPlaylist) {
        items.push(entry);
        continue;
      }
      if (budget-- <= 0) {
        skipped++;
        continue;
      }
      const nested = await this.loadNested(new URL(entry.url), signal);
      if (!nested) skipped++;
      else if ('source' in nested) items.push(nested);
      else {
        const usable = nested.entries.filter((e) => this.permitted(e));
        refused += nested.entries.length - usable.length;
        skipped += nested.skipped + nested.nestedDropped + nested.entries.length - usable.length;
        items.push(...usable.slice(0, cap - items.length));
      }
    }
    return { items, skipped, refused };
  }

  /**
   * Entries the address policy refuses without DNS (private and loopback literals, localhost names) are dropped
   * here, when the playlist is parsed: queued, each would fail at once when its turn came (a failure storm).
   */
  private permitted(entry: PlaylistEntry): boolean {
    try {
      checkUrl(new URL(entry.url), this.options.policy);
      return true;
    } catch {
      return false;
    }
  }

  private async loadNested(url: URL, signal: AbortSignal): Promise<PlaylistParseResult | Track | null> {
    try {
      const { text, meta } = await this.fetchText(url, signal);
      const parsed = this.parse(text, meta, 1);
      return parsed.reason === 'hls-stream' ? radioTrackFromHls(meta.url, text, titleOf(meta)) : parsed;
    } catch (error) {
      if (signal.aborted || isAbortError(error)) throw error;
      return null;
    }
  }

  /** For a station-like playlist: the first mirror that answers, when it is a live stream. */
  private async station(
    items: readonly (PlaylistEntry | Track)[],
    entries: readonly PlaylistEntry[],
    signal: AbortSignal,
  ): Promise<Track | null> {
    const stationLike = items.length === entries.length && entries.length > 0 && entries.length <= STATION_MAX_ENTRIES;
    if (!stationLike || entries.some((e) => e.durationMs !== null)) return null;
    let lastError: unknown;
    for (const entry of entries.slice(0, STATION_PROBES)) {
      try {
        const probed = await this.options.http.probe(new URL(entry.url), signal);
        if (!probed.isLive) return null;
        return entry.title && isGenericTitle(probed.title, entry.url) ? { ...probed, title: entry.title } : probed;
      } catch (error) {
        if (signal.aborted || isAbortError(error)) throw error;
        lastError = error;
      }
    }
    throw lastError;
  }

  private get readLimit(): number {
    return Math.max(this.options.maxPlaylist ?? MAX_PLAYLIST, READ_LIMIT);
  }

  private get maxFileBytes(): number {
    return this.options.maxFileBytes ?? 2 * 1024 * 1024;
  }
}

/** A title `HttpSource` made up from the URL (no ICY name): the playlist's own title is better. */
function isGenericTitle(title: string, href: string): boolean {
  const url = new URL(href);
  return title === url.hostname || title.toLowerCase() === fileTitle(url).toLowerCase();
}

/** An entry as an `http` track; the id matches what `HttpSource` gives the same URL (so handoff works). */
export function entryTrack(entry: PlaylistEntry): Track {
  const url = new URL(entry.url);
  url.hash = '';
  const title = entry.title ?? fileTitle(url);
  return {
    id: `http:${url.href}`,
    source: 'http',
    title: title.slice(0, 200),
    url: url.href,
    durationMs: entry.durationMs,
    ...(entry.artist ? { artist: entry.artist } : {}),
  };
}

function fileTitle(url: URL): string {
  const segment = url.pathname.split('/').filter(Boolean).pop() ?? url.hostname;
  let name = segment;
  try {
    name = decodeURIComponent(segment);
  } catch {
    // keep the raw segment
  }
  return (
    name
      .replace(/\.[a-z0-9]{2,5}$/i, '')
      .replace(/_+/g, ' ')
      .trim() || url.hostname
  );
}

const titleOf = (meta: PlaylistFileMeta): string =>
  (meta.name ? meta.name.replace(PLAYLIST_EXTENSION, '') : fileTitle(meta.url)) || 'Playlist';
