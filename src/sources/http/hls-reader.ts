import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import type { MediaStream } from '../../ports/source.js';
import { contentTypeOf, openMedia, readTextPieces, type OpenMediaOptions } from './media-fetch.js';
import { HlsPlaylistParser, segmentUrl, type HlsMasterPlaylist, type HlsMediaPlaylist } from './hls-playlist.js';
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

async function loadPlaylist(
  url: URL,
  options: HlsOptions,
): Promise<{ playlist: HlsMediaPlaylist | HlsMasterPlaylist; url: URL }> {
  const response = await openMedia(url, options);
  const parser = new HlsPlaylistParser();
  await readTextPieces(response.body, options.maxPlaylistBytes ?? 2 * 1024 * 1024, (piece) =>
    traced('parse:hls', () => parser.push(piece)),
  );
  return { playlist: parser.finish(response.url), url: response.url };
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
  const start = firstResolvable(segments, playlist);
  const firstUrl = playlist.init ?? start?.url;
  if (!firstUrl || !start) throw new UserError('NOT_AUDIO');
  const first = await openMedia(firstUrl, scoped);
  const contentType = segmentType(first.body, firstUrl);
  const state = {
    playlist: { ...playlist, segments },
    mediaUrl,
    first: first.body,
    // With an init section first, the first segment is still to come; else it was just opened.
    next: playlist.init !== undefined ? start.seq : start.seq + 1,
  };
  const stream = Readable.from(concatenate(state, scoped), { objectMode: false });
  stream.once('close', () => controller.abort());
  return { stream, contentType };
}

/** The first segment whose URI resolves, and its sequence number (unresolvable ones are skipped). */
function firstResolvable(
  segments: HlsMediaPlaylist['segments'],
  playlist: HlsMediaPlaylist,
): { url: URL; seq: number } | undefined {
  for (const segment of segments) {
    const url = segmentUrl(segment, playlist);
    if (url) return { url, seq: segment.seq };
  }
  return undefined;
}

/** Playlist text parsed per second at most when reloading one live stream (see reloadDelayMs). */
const RELOAD_CHARS_PER_SECOND = 128 * 1024;

/**
 * When to reload a live playlist: every half target duration (at least 500 ms), as players do, but never
 * parsing more than RELOAD_CHARS_PER_SECOND of it per second. A real live list is a few KB (a long DVR
 * window ~200 KB) and is unaffected; a 2 MiB one is reloaded every 16 s instead of every 500 ms.
 */
export function reloadDelayMs(playlist: Pick<HlsMediaPlaylist, 'targetMs' | 'textLength'>): number {
  return Math.max(500, playlist.targetMs / 2, (playlist.textLength / RELOAD_CHARS_PER_SECOND) * 1000);
}

interface ReaderState {
  playlist: HlsMediaPlaylist;
  readonly mediaUrl: URL;
  readonly first: IncomingMessage;
  /** The sequence number of the next segment to fetch. */
  readonly next: number;
}

async function* concatenate(state: ReaderState, options: HlsOptions): AsyncGenerator<Buffer> {
  yield* state.first as AsyncIterable<Buffer>;
  let next = state.next;
  let idle = 0;
  for (;;) {
    for (const segment of state.playlist.segments) {
      const url = segment.seq < next ? undefined : segmentUrl(segment, state.playlist);
      if (!url) continue;
      const response = await openMedia(url, options);
      yield* response.body as AsyncIterable<Buffer>;
      next = segment.seq + 1;
      idle = 0;
    }
    if (state.playlist.ended) return;
    if (++idle > (options.maxIdleReloads ?? 8)) throw new UserError('FETCH_TIMEOUT');
    await sleep(reloadDelayMs(state.playlist), options.signal);
    state.playlist = (await loadMedia(state.mediaUrl, options)).playlist;
  }
}
