import type { IncomingHttpHeaders } from 'node:http';
import { Transform } from 'node:stream';
import { UserError } from '../../core/errors.js';
import type { Track } from '../../core/track.js';
import { probeDuration } from '../../media/duration-probe.js';
import { peek } from '../../media/peek.js';
import { probeContainer, isPlayableByFfmpeg } from '../../media/probe.js';
import type { AddressPolicy } from '../../net/address-policy.js';
import { safeFetch, type SafeResponse } from '../../net/safe-fetch.js';
import type { Clock } from '../../ports/clock.js';
import type { MediaStream, Query, Resolution, Source, StreamOptions } from '../../ports/source.js';
import { readTags, tagBytesWanted, type AudioTags } from '../local/local-tags.js';

/** What `probe` found; `titleFromTags` says the title is the file's own (not its name), for attachments. */
export type ProbedTrack = Track & { readonly titleFromTags?: true };

export interface HttpSourceOptions {
  readonly policy: AddressPolicy;
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /**
   * Where a URL that turns out to be a playlist file (M3U/PLS/XSPF sniffed from its bytes or announced by its
   * Content-Type) is handed over; without it such URLs are refused as NOT_AUDIO.
   */
  readonly playlists?: { resolveUrl(url: URL, signal: AbortSignal): Promise<Resolution> };
}

const PLAYLIST_TYPES =
  /^(?:audio\/(?:x-)?mpegurl|application\/(?:x-mpegurl|vnd\.apple\.mpegurl)|audio\/x-scpls|application\/(?:pls\+xml|xspf\+xml))$/i;

/** How long a response opened while resolving waits to be reused by the first `stream` call. */
const HANDOFF_MS = 15_000;
/** Most head bytes read for tags (an ID3 tag with cover art, an MP4 index before the audio), and how long. */
const TAG_HEAD_MAX = 1024 * 1024;
const TAG_HEAD_MS = 3000;
/** A body that sends nothing for this long is treated as stalled. */
const STALL_MS = 20_000;

/**
 * Direct http(s) audio files and internet radio. Resolving opens the URL (every hop checked by the address
 * policy), sniffs the first bytes to refuse non-audio early, and keeps the open response so playback can
 * start without a second request: that saves a full round trip on the way to the first audio packet.
 */
export class HttpSource implements Source {
  readonly name = 'http' as const;
  private readonly handoff = new Map<string, { response: SafeResponse; expires: number }>();

  constructor(private readonly options: HttpSourceOptions) {}

  canHandle(query: Query): boolean {
    return query.kind === 'url' && (query.url.protocol === 'http:' || query.url.protocol === 'https:');
  }

  async resolve(query: Query, signal: AbortSignal): Promise<Resolution> {
    if (query.kind !== 'url') throw new UserError('UNSUPPORTED_QUERY');
    const opened = await this.sniff(query.url, signal);
    // `sniff` says 'playlist' only when there is a hand-over; without one such a URL is not audio.
    if (opened === 'playlist') {
      if (!this.options.playlists) throw new UserError('NOT_AUDIO');
      return this.options.playlists.resolveUrl(query.url, signal);
    }
    return { kind: 'track', track: opened.track };
  }

  /**
   * Like `resolve` for one URL, but never hands over to the playlist parser: used by the playlist and
   * attachment sources to check an entry (so a playlist naming itself cannot recurse). The open response is
   * kept for the first `stream` call, as with `resolve`.
   */
  async probe(url: URL, signal: AbortSignal): Promise<ProbedTrack> {
    const opened = await this.sniff(url, signal, false);
    if (opened === 'playlist') throw new UserError('NOT_AUDIO');
    return opened.tagged ? { ...opened.track, titleFromTags: true } : opened.track;
  }

  /**
   * Opens a track's first bytes ahead of its turn (the first entry of a playlist, the next track in the
   * queue): a dead or non-audio entry is found early, and the response is kept for the first play.
   */
  async prepare(track: Track, signal: AbortSignal): Promise<void> {
    await this.probe(new URL(track.url), signal);
  }

  /** Opens and sniffs `url`: a track (response kept for handoff) or `'playlist'` when it should be handed over. */
  private async sniff(
    url: URL,
    signal: AbortSignal,
    allowPlaylist = true,
  ): Promise<{ track: Track; tagged: boolean } | 'playlist'> {
    const response = await this.open(url, signal);
    const head = await peek(response.body, 4096, this.options.timeoutMs, { clock: this.options.clock }).catch(
      (error: unknown) => {
        response.body.destroy();
        throw error;
      },
    );
    const kind = probeContainer(head);
    const type = contentType(response.headers);
    // A URL list without `#EXTM3U` sniffs as unknown: only its Content-Type says it is a playlist.
    const isPlaylist = kind === 'playlist' || (kind === 'unknown' && PLAYLIST_TYPES.test(type ?? ''));
    if (allowPlaylist && this.options.playlists && isPlaylist) {
      response.body.destroy();
      return 'playlist';
    }
    if (isPlaylist || !isPlayableByFfmpeg(kind, type)) {
      response.body.destroy();
      throw new UserError(kind === 'empty' ? 'BROKEN_MEDIA' : 'NOT_AUDIO');
    }
    const tagged = await this.readHeadTags(response, head, kind);
    const found = trackFromResponse(url, response, tagged.tags);
    // Bounded (an Ogg tail fetch is at most 1.5 s) and never throws: an unknown length only costs the progress bar.
    const durationMs =
      found.isLive === true
        ? null
        : await probeDuration(tagged.head, kind, response, { policy: this.options.policy, signal });
    if (signal.aborted) {
      response.body.destroy();
      throw signal.reason;
    }
    const track: Track = { ...found, durationMs };
    this.keep(track.id, response);
    return { track, tagged: tagged.tags.title !== undefined };
  }

  /**
   * Title and artist from the file's own tags. Where they lie past the first bytes (a long ID3 tag, an MP4
   * index first), a little more is read, bounded in bytes and time and put back, so nothing is fetched twice.
   * Live streams have no file tags (their name is the ICY header).
   */
  private async readHeadTags(
    response: SafeResponse,
    head: Buffer,
    kind: string,
  ): Promise<{ head: Buffer; tags: AudioTags }> {
    if (isLiveResponse(response) || kind === 'unknown') return { head, tags: {} };
    const wanted = Math.min(tagBytesWanted(head), TAG_HEAD_MAX);
    const more =
      wanted > 0
        ? await peek(response.body, wanted, TAG_HEAD_MS, { partial: true, clock: this.options.clock }).catch(() => head)
        : head;
    return { head: more, tags: readTags(more) };
  }

  async stream(track: Track, options: StreamOptions): Promise<MediaStream> {
    const kept = options.startMs === 0 ? this.take(track.id) : undefined;
    const response = kept ?? (await this.open(new URL(track.url), options.signal));
    options.signal.addEventListener('abort', () => response.body.destroy(), { once: true });
    const live = track.isLive === true;
    const body = live ? response.body : response.body.pipe(limitBytes(this.options.maxBytes));
    if (!live) response.body.on('error', (error) => body.destroy(error));
    return { stream: body, contentType: contentType(response.headers) };
  }

  private async open(url: URL, signal: AbortSignal): Promise<SafeResponse> {
    const response = await safeFetch(url, this.options.policy, {
      signal,
      timeoutMs: this.options.timeoutMs,
      clock: this.options.clock,
    });
    if (response.status >= 400) {
      response.body.destroy();
      throw new UserError('HTTP_STATUS', { status: response.status });
    }
    const length = Number(response.headers['content-length'] ?? 0);
    if (length > this.options.maxBytes) {
      response.body.destroy();
      throw new UserError('MEDIA_TOO_LARGE');
    }
    response.body.setTimeout(STALL_MS, () => response.body.destroy(new UserError('FETCH_TIMEOUT')));
    return response;
  }

  private keep(id: string, response: SafeResponse): void {
    this.sweep();
    this.handoff.get(id)?.response.body.destroy();
    this.handoff.set(id, { response, expires: this.options.clock.now() + HANDOFF_MS });
  }

  private take(id: string): SafeResponse | undefined {
    this.sweep();
    const kept = this.handoff.get(id);
    this.handoff.delete(id);
    return kept?.response;
  }

  private sweep(): void {
    const now = this.options.clock.now();
    for (const [id, kept] of this.handoff) {
      if (kept.expires <= now) {
        kept.response.body.destroy();
        this.handoff.delete(id);
      }
    }
  }
}

const contentType = (headers: IncomingHttpHeaders): string | undefined =>
  headers['content-type']?.split(';')[0]?.trim();

const isLiveResponse = (response: SafeResponse): boolean =>
  Boolean(response.headers['icy-name'] ?? response.headers['icy-br'] ?? response.headers['icy-metaint']);

/** The track as the response describes it: the tags' title (and artist) win over the ICY name and the file name. */
function trackFromResponse(requested: URL, response: SafeResponse, tags: AudioTags = {}): Track {
  const url = new URL(requested);
  url.hash = '';
  return {
    id: `http:${url.href}`,
    source: 'http',
    title: tags.title ?? titleFrom(response.headers, response.url),
    url: url.href,
    durationMs: null,
    ...(tags.artist ? { artist: tags.artist } : {}),
    isLive: isLiveResponse(response),
  };
}

function titleFrom(headers: IncomingHttpHeaders, url: URL): string {
  const icy = headers['icy-name'];
  if (typeof icy === 'string' && icy.trim()) return icy.trim().slice(0, 200);
  const disposition = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(headers['content-disposition'] ?? '');
  const segment = url.pathname.split('/').filter(Boolean).pop();
  const raw = disposition?.[1] ?? segment ?? url.hostname;
  let name = raw;
  try {
    name = decodeURIComponent(raw);
  } catch {
    // keep the raw segment
  }
  return (
    name
      .replace(/\.[a-z0-9]{2,4}$/i, '')
      .replace(/[_]+/g, ' ')
      .trim()
      .slice(0, 200) || url.hostname
  );
}

function limitBytes(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > max) return callback(new UserError('MEDIA_TOO_LARGE'));
      callback(null, chunk);
    },
  });
}
