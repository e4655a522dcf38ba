import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import type { MediaStream } from '../../ports/source.js';
import { contentTypeOf, openMedia, readText, type OpenMediaOptions } from './media-fetch.js';
import { sourceErrors } from '../source-errors.js';
import { UserError } from '../../core/errors.js';
import { traced } from '../../core/activity.js';

/**
 * HLS as one byte stream: the segments of a media playlist, fetched in order and concatenated (exactly what
 * yt-dlp's native HLS downloader does), so the pipeline can probe and play them like a file. SoundCloud
 * serves its Opus and MP3 audio this way, YouTube its live streams, and many radio stations their feeds.
 *
 * Scope: clear (unencrypted) playlists; a master playlist is followed once (audio-only rendition first,
 * else the lowest bandwidth — we only need the audio); live playlists are reloaded every half target
 * duration, starting near the live edge. Every playlist and segment URL goes through the address policy.
 */

export interface HlsOptions extends Omit<OpenMediaOptions, 'maxBytes'> {
  /** Largest playlist text accepted (default 2 MiB). */
  readonly maxPlaylistBytes?: number;
  /** Segments behind the live edge to start from (default 3). */
  readonly liveEdgeSegments?: number;
  /** Reloads in a row without a new segment before a live stream is considered over (default 8). */
  readonly maxIdleReloads?: number;
}

interface Segment {
  readonly url: URL;
  readonly seq: number;
}

export interface HlsMediaPlaylist {
  readonly kind: 'media';
  readonly segments: readonly Segment[];
  readonly init?: URL;
  readonly ended: boolean;
  readonly targetMs: number;
}

export interface HlsMasterPlaylist {
  readonly kind: 'master';
  /** Best first: audio-only renditions, then variants by ascending bandwidth. */
  readonly choices: readonly URL[];
}

const attr = (line: string, name: string): string | undefined =>
  new RegExp(`(?:^|[:,])${name}=(?:"([^"]*)"|([^,]*))`)
    .exec(line)
    ?.slice(1)
    .find((v) => v !== undefined);

const VIDEO_CODECS = /avc1|avc3|hvc1|hev1|vp09|vp8|av01/i;

/**
 * Bounds on what one playlist text may cost (a 2 MiB text can hold a million lines): the scan is one pass,
 * lines longer than a URL can sensibly be are ignored, and what is kept is capped. A live list keeps only
 * its edge (the newest segments); a finished (VOD) list its first segments.
 */
export const HLS_LIMITS = {
  /** Longest line considered (longer ones are ignored, never parsed). */
  maxLineLength: 8192,
  /** Variants and audio renditions of a master playlist kept at most (the first ones). */
  maxVariants: 64,
  /** Segments of a finished playlist kept at most (a 14-hour VOD at 2 s segments). */
  maxVodSegments: 25_000,
  /** Segments at the end of a live playlist kept (the live edge, with room for reload overlap). */
  maxLiveSegments: 32,
} as const;

/** Calls `visit` with each trimmed line, in one pass without splitting the whole text into an array. */
function eachLine(text: string, visit: (line: string) => void): void {
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (pos <= text.length) {
    let end = pos;
    while (end < text.length) {
      const c = text.charCodeAt(end);
      if (c === 10 || c === 13) break;
      end++;
    }
    if (end - pos <= HLS_LIMITS.maxLineLength) visit(text.slice(pos, end).trim());
    else visit('#'); // too long to be anything we use: a comment
    pos = text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
  }
}

interface RawSegment {
  readonly uri: string;
  readonly seq: number;
}

/** Everything one pass collects; both shapes are gathered and the caller picks (master wins). */
class Scan {
  first: string | undefined;
  seq = 0;
  targetMs = 6_000;
  init: string | undefined;
  ended = false;
  isMaster = false;
  readonly audio: string[] = [];
  readonly variants: { uri: string; bandwidth: number; audioOnly: boolean }[] = [];
  private pendingInf: string | undefined;
  readonly head: RawSegment[] = [];
  /** Ring buffer of the newest segments (live edge). */
  private readonly ring: (RawSegment | undefined)[] = new Array(HLS_LIMITS.maxLiveSegments);
  private count = 0;

  line(line: string): void {
    if (this.first === undefined) {
      this.first = line;
      return;
    }
    if (line === '') return;
    if (line.charCodeAt(0) === 35 /* # */) return this.tag(line);
    if (this.pendingInf !== undefined) return this.variant(line);
    if (!this.isMaster) this.segment(line);
  }

  private tag(line: string): void {
    if (line.startsWith('#EXT-X-STREAM-INF:')) {
      this.isMaster = true;
      this.pendingInf = line;
    } else if (line.startsWith('#EXT-X-MEDIA:')) {
      const uri = attr(line, 'URI');
      if (uri && attr(line, 'TYPE') === 'AUDIO' && this.audio.length < HLS_LIMITS.maxVariants) this.audio.push(uri);
    } else if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) this.seq = Number(line.slice(22)) || 0;
    else if (line.startsWith('#EXT-X-TARGETDURATION:')) this.targetMs = Math.max(1, Number(line.slice(22)) || 6) * 1000;
    else if (line.startsWith('#EXT-X-KEY:') && attr(line, 'METHOD') !== 'NONE')
      throw sourceErrors.formatUnsupported('encrypted HLS streams');
    else if (line.startsWith('#EXT-X-BYTERANGE:'))
      throw sourceErrors.formatUnsupported('this kind of HLS stream (byte ranges)');
    else if (line.startsWith('#EXT-X-MAP:')) this.init = attr(line, 'URI') ?? this.init;
    else if (line === '#EXT-X-ENDLIST') this.ended = true;
  }

  private variant(uri: string): void {
    const inf = this.pendingInf ?? '';
    this.pendingInf = undefined;
    if (this.variants.length >= HLS_LIMITS.maxVariants) return;
    const codecs = attr(inf, 'CODECS') ?? '';
    this.variants.push({
      uri,
      bandwidth: Number(attr(inf, 'BANDWIDTH') ?? 0) || 0,
      audioOnly: codecs !== '' && !VIDEO_CODECS.test(codecs),
    });
  }

  private segment(uri: string): void {
    const segment = { uri, seq: this.seq++ };
    if (this.head.length < HLS_LIMITS.maxVodSegments) this.head.push(segment);
    this.ring[this.count++ % HLS_LIMITS.maxLiveSegments] = segment;
  }

  /** The newest segments, oldest first. */
  edge(): RawSegment[] {
    const size = Math.min(this.count, HLS_LIMITS.maxLiveSegments);
    const out: RawSegment[] = [];
    for (let i = this.count - size; i < this.count; i++)
      out.push(this.ring[i % HLS_LIMITS.maxLiveSegments] as RawSegment);
    return out;
  }
}

const resolveUri = (uri: string | undefined, base: URL): URL | undefined =>
  uri !== undefined && URL.canParse(uri, base.href) ? new URL(uri, base) : undefined;

function masterChoices(scan: Scan, base: URL): URL[] {
  const variants = [...scan.variants].sort(
    (a, b) => Number(b.audioOnly) - Number(a.audioOnly) || a.bandwidth - b.bandwidth,
  );
  return [...scan.audio, ...variants.map((v) => v.uri)].flatMap((uri) => resolveUri(uri, base) ?? []);
}

/**
 * Parses playlist text in one linear pass with bounded results (see HLS_LIMITS); throws a `UserError` for
 * what we cannot play (encryption, byte ranges, garbage).
 */
export function parseHlsPlaylist(text: string, base: URL): HlsMediaPlaylist | HlsMasterPlaylist {
  const scan = new Scan();
  eachLine(text, (line) => scan.line(line));
  if (scan.first !== '#EXTM3U') throw new UserError('NOT_AUDIO');
  if (scan.isMaster) return { kind: 'master', choices: masterChoices(scan, base) };
  const kept = scan.ended ? scan.head : scan.edge();
  const segments = kept.flatMap(({ uri, seq }) => {
    const url = resolveUri(uri, base);
    return url ? [{ url, seq }] : [];
  });
  const init = resolveUri(scan.init, base);
  return { kind: 'media', segments, ...(init ? { init } : {}), ended: scan.ended, targetMs: scan.targetMs };
}

async function loadPlaylist(
  url: URL,
  options: HlsOptions,
): Promise<{ playlist: HlsMediaPlaylist | HlsMasterPlaylist; url: URL }> {
  const response = await openMedia(url, options);
  const text = await readText(response.body, options.maxPlaylistBytes ?? 2 * 1024 * 1024);
  return { playlist: traced('parse:hls', () => parseHlsPlaylist(text, response.url)), url: response.url };
}

/** Loads `url`, following one master playlist to the media playlist we will play. */
async function loadMedia(url: URL, options: HlsOptions): Promise<{ playlist: HlsMediaPlaylist; url: URL }> {
  const first = await loadPlaylist(url, options);
  if (first.playlist.kind === 'media') return { playlist: first.playlist, url: first.url };
  const choice = first.playlist.choices[0];
  if (!choice) throw new UserError('NOT_AUDIO');
  const media = await loadPlaylist(choice, options);
  if (media.playlist.kind !== 'media') throw new UserError('NOT_AUDIO');
  return { playlist: media.playlist, url: media.url };
}

const GUESSED_TYPES: readonly [RegExp, string][] = [
  [/\.(?:opus|ogg)$/i, 'audio/ogg'],
  [/\.mp3$/i, 'audio/mpeg'],
  [/\.aac$/i, 'audio/aac'],
  [/\.(?:m4s|mp4|m4a)$/i, 'audio/mp4'],
];

/** The announced type when it is media, else a guess from the segment name (MPEG-TS by default). */
function segmentType(response: IncomingMessage, url: URL): string {
  const announced = contentTypeOf(response.headers);
  if (announced && /^(?:audio|video)\//.test(announced)) return announced;
  return GUESSED_TYPES.find(([pattern]) => pattern.test(url.pathname))?.[1] ?? 'video/mp2t';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Opens an HLS stream. The first segment (or init section) is requested before this returns, so an expired
 * or refused URL fails here — where the caller can still refresh it — and the content type is known.
 */
export async function openHls(url: URL, options: HlsOptions): Promise<MediaStream> {
  const controller = new AbortController();
  const signal = AbortSignal.any([options.signal, controller.signal]);
  const scoped: HlsOptions = { ...options, signal };
  const { playlist, url: mediaUrl } = await loadMedia(url, scoped);
  const edge = options.liveEdgeSegments ?? 3;
  const segments = playlist.ended ? playlist.segments : playlist.segments.slice(-edge);
  const firstUrl = playlist.init ?? segments[0]?.url;
  if (!firstUrl) throw new UserError('NOT_AUDIO');
  const first = await openMedia(firstUrl, scoped);
  const contentType = segmentType(first.body, firstUrl);
  const state = {
    playlist: { ...playlist, segments },
    mediaUrl,
    first: first.body,
    skipInit: playlist.init !== undefined,
  };
  const stream = Readable.from(concatenate(state, scoped), { objectMode: false });
  stream.once('close', () => controller.abort());
  return { stream, contentType };
}

interface ReaderState {
  playlist: HlsMediaPlaylist;
  readonly mediaUrl: URL;
  readonly first: IncomingMessage;
  readonly skipInit: boolean;
}

async function* concatenate(state: ReaderState, options: HlsOptions): AsyncGenerator<Buffer> {
  yield* state.first as AsyncIterable<Buffer>;
  let next = state.skipInit ? (state.playlist.segments[0]?.seq ?? 0) : (state.playlist.segments[0]?.seq ?? 0) + 1;
  let idle = 0;
  for (;;) {
    for (const segment of state.playlist.segments) {
      if (segment.seq < next) continue;
      const response = await openMedia(segment.url, options);
      yield* response.body as AsyncIterable<Buffer>;
      next = segment.seq + 1;
      idle = 0;
    }
    if (state.playlist.ended) return;
    if (++idle > (options.maxIdleReloads ?? 8)) throw new UserError('FETCH_TIMEOUT');
    await sleep(Math.max(500, state.playlist.targetMs / 2), options.signal);
    state.playlist = (await loadMedia(state.mediaUrl, options)).playlist;
  }
}
