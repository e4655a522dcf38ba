/**
 * Choosing the audio stream from yt-dlp's info JSON.
 *
 * With `-f bestaudio[acodec=opus]/bestaudio` yt-dlp copies the chosen format's fields (url, format_id,
 * acodec, ext, http_headers …) to the top level. A user's yt-dlp config may still force a merged
 * `video+audio` selection, which leaves the parts in `requested_formats` and no top-level url, so we
 * also look there and, last, rank `formats[]` ourselves. Pure; never throws on odd JSON.
 */
import { parseUrlExpiry } from '../../core/url-expiry.js';

export type AudioContainer = 'webm' | 'ogg' | 'mp4' | 'mp3' | 'hls' | 'other';

export interface YtDlpAudioFormat {
  readonly url: string;
  readonly formatId: string;
  /** e.g. `opus`, `mp4a.40.2`. */
  readonly acodec: string;
  readonly ext: string;
  readonly container: AudioContainer;
  readonly protocol: string;
  /** Kbit/s, when yt-dlp knows it. */
  readonly abrKbps: number | null;
  readonly filesizeBytes: number | null;
  /** Headers the origin expects (User-Agent …); send them with every request for `url`. */
  readonly httpHeaders: Readonly<Record<string, string>>;
  /** Epoch ms from the URL's `expire` parameter; `null` when it names none. */
  readonly expiresAt: number | null;
  /** Opus in WebM/Ogg over plain HTTP(S): can be demuxed and sent to Discord without re-encoding. */
  readonly opusPassthrough: boolean;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);

const hasAudio = (f: Json): boolean => str(f['acodec']) !== undefined && f['acodec'] !== 'none';
const isAudioOnly = (f: Json): boolean => hasAudio(f) && (f['vcodec'] === 'none' || f['vcodec'] === undefined);
const isHttpUrl = (v: unknown): boolean => typeof v === 'string' && /^https?:\/\//i.test(v);
const usable = (f: Json): boolean => isHttpUrl(f['url']) && f['has_drm'] !== true;

function containerOf(ext: string, protocol: string): AudioContainer {
  if (protocol.startsWith('m3u8')) return 'hls';
  if (ext === 'webm' || ext === 'weba') return 'webm';
  if (ext === 'ogg' || ext === 'opus') return 'ogg';
  if (ext === 'm4a' || ext === 'mp4' || ext === 'aac') return 'mp4';
  return ext === 'mp3' ? 'mp3' : 'other';
}

function stringHeaders(v: unknown): Record<string, string> {
  if (!isObject(v)) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** Normalises one format object; `fallbackHeaders` are the info-level headers. */
function toAudioFormat(f: Json, fallbackHeaders: unknown): YtDlpAudioFormat {
  const url = String(f['url']);
  const acodec = str(f['acodec']) ?? 'unknown';
  const ext = str(f['ext']) ?? str(f['audio_ext']) ?? 'unknown';
  const protocol = str(f['protocol']) ?? (url.startsWith('https:') ? 'https' : 'http');
  const container = containerOf(ext, protocol);
  return {
    url,
    formatId: str(f['format_id']) ?? 'unknown',
    acodec,
    ext,
    container,
    protocol,
    abrKbps: num(f['abr']),
    filesizeBytes: num(f['filesize']) ?? num(f['filesize_approx']),
    httpHeaders: stringHeaders(f['http_headers'] ?? fallbackHeaders),
    expiresAt: parseUrlExpiry(url),
    opusPassthrough: acodec.startsWith('opus') && (container === 'webm' || container === 'ogg'),
  };
}

/** Ranking for our own pick among `formats[]`: passthrough Opus first, then bitrate. */
function score(f: YtDlpAudioFormat): number {
  return (f.opusPassthrough ? 10_000 : 0) + (f.container === 'hls' ? -5_000 : 0) + (f.abrKbps ?? 0);
}

/** The audio format to play, or `null` when the info names none usable (DRM, no audio, no URL). */
export function pickAudioFormat(info: unknown): YtDlpAudioFormat | null {
  if (!isObject(info)) return null;
  const headers = info['http_headers'];
  if (usable(info) && isAudioOnly(info)) return toAudioFormat(info, headers);
  const requested = Array.isArray(info['requested_formats']) ? info['requested_formats'].filter(isObject) : [];
  const part = requested.find((f) => usable(f) && isAudioOnly(f));
  if (part) return toAudioFormat(part, headers);
  if (usable(info) && hasAudio(info)) return toAudioFormat(info, headers); // a muxed format, e.g. itag 18
  const formats = Array.isArray(info['formats']) ? info['formats'].filter(isObject) : [];
  const ranked = formats
    .filter((f) => usable(f) && isAudioOnly(f))
    .map((f) => toAudioFormat(f, headers))
    .sort((a, b) => score(b) - score(a));
  return ranked[0] ?? null;
}
