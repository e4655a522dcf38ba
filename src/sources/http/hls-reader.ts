import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import type { MediaStream } from '../../ports/source.js';
import { contentTypeOf, openMedia, readText, type OpenMediaOptions } from './media-fetch.js';
import { sourceErrors } from '../source-errors.js';
import { UserError } from '../../core/errors.js';

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
  new RegExp(`(?:^|[:,])${name}=(?:"([^"]*)"|([^,]*))`).exec(line)?.slice(1).find((v) => v !== undefined);

const VIDEO_CODECS = /avc1|avc3|hvc1|hev1|vp09|vp8|av01/i;

function masterChoices(lines: readonly string[], base: URL): URL[] {
  const audio: URL[] = [];
  const variants: { url: URL; bandwidth: number; audioOnly: boolean }[] = [];
  lines.forEach((line, index) => {
    const uri = attr(line, 'URI');
    if (line.startsWith('#EXT-X-MEDIA:') && attr(line, 'TYPE') === 'AUDIO' && uri && URL.canParse(uri, base.href)) {
      audio.push(new URL(uri, base));
    } else if (line.startsWith('#EXT-X-STREAM-INF:')) {
      const next = lines.slice(index + 1).find((l) => l !== '' && !l.startsWith('#'));
      if (!next || !URL.canParse(next, base.href)) return;
      const codecs = attr(line, 'CODECS') ?? '';
      variants.push({ url: new URL(next, base), bandwidth: Number(attr(line, 'BANDWIDTH') ?? 0) || 0, audioOnly: codecs !== '' && !VIDEO_CODECS.test(codecs) });
    }
  });
  variants.sort((a, b) => Number(b.audioOnly) - Number(a.audioOnly) || a.bandwidth - b.bandwidth);
  return [...audio, ...variants.map((v) => v.url)];
}

/** Parses playlist text; throws a `UserError` for what we cannot play (encryption, byte ranges, garbage). */
export function parseHlsPlaylist(text: string, base: URL): HlsMediaPlaylist | HlsMasterPlaylist {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).map((l) => l.trim());
  if (lines[0] !== '#EXTM3U') throw new UserError('NOT_AUDIO');
  if (lines.some((l) => l.startsWith('#EXT-X-STREAM-INF:'))) return { kind: 'master', choices: masterChoices(lines, base) };
  let seq = 0;
  let targetMs = 6_000;
  let init: URL | undefined;
  const segments: Segment[] = [];
  for (const line of lines) {
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) seq = Number(line.slice(22)) || 0;
    else if (line.startsWith('#EXT-X-TARGETDURATION:')) targetMs = Math.max(1, Number(line.slice(22)) || 6) * 1000;
    else if (line.startsWith('#EXT-X-KEY:') && attr(line, 'METHOD') !== 'NONE') throw sourceErrors.formatUnsupported('encrypted HLS streams');
    else if (line.startsWith('#EXT-X-BYTERANGE:')) throw sourceErrors.formatUnsupported('this kind of HLS stream (byte ranges)');
    else if (line.startsWith('#EXT-X-MAP:')) {
      const uri = attr(line, 'URI');
      if (uri && URL.canParse(uri, base.href)) init = new URL(uri, base);
    } else if (line !== '' && !line.startsWith('#') && URL.canParse(line, base.href)) {
      segments.push({ url: new URL(line, base), seq: seq++ });
    }
  }
  const ended = lines.includes('#EXT-X-ENDLIST');
  return { kind: 'media', segments, ...(init ? { init } : {}), ended, targetMs };
}

async function loadPlaylist(url: URL, options: HlsOptions): Promise<{ playlist: HlsMediaPlaylist | HlsMasterPlaylist; url: URL }> {
  const response = await openMedia(url, options);
  const text = await readText(response.body, options.maxPlaylistBytes ?? 2 * 1024 * 1024);
  return { playlist: parseHlsPlaylist(text, response.url), url: response.url };
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
  [/\.(?:opus|ogg)$/i, 'audio/ogg'], [/\.mp3$/i, 'audio/mpeg'], [/\.aac$/i, 'audio/aac'], [/\.(?:m4s|mp4|m4a)$/i, 'audio/mp4'],
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
  const state = { playlist: { ...playlist, segments }, mediaUrl, first: first.body, skipInit: playlist.init !== undefined };
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
