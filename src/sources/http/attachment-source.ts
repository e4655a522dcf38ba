import { UserError } from '../../core/errors.js';
import type { Track } from '../../core/track.js';
import type { AddressPolicy } from '../../net/address-policy.js';
import type { MediaStream, PreparableSource, Query, Resolution, StreamOptions } from '../../ports/source.js';
import { contentTypeOf, openMedia, readText } from './media-fetch.js';
import {
  isPlaylistContentType,
  isPlaylistFileName,
  type EntryProber,
  type PlaylistFileSource,
} from './playlist-file-source.js';
import { sourceErrors } from '../source-errors.js';

export interface AttachmentSourceOptions {
  /** `HttpSource`: sniffs the file (keeping the response for the first play) and streams it. */
  readonly http: EntryProber;
  readonly playlists: Pick<PlaylistFileSource, 'fromText'>;
  readonly policy: AddressPolicy;
  readonly timeoutMs: number;
  /** MAX_MEDIA_BYTES: larger attachments are refused before anything is downloaded. */
  readonly maxBytes: number;
  /** Largest playlist attachment read (default 2 MiB). */
  readonly maxPlaylistBytes?: number;
  /** Hosts (`host` or `host:port`) attachments may come from (default Discord's CDN). */
  readonly hosts?: readonly string[];
}

/** Where Discord serves attachments. */
export const DISCORD_ATTACHMENT_HOSTS: readonly string[] = ['cdn.discordapp.com', 'media.discordapp.net'];
const MEDIA_TYPE = /^(?:audio\/|video\/|application\/(?:ogg|octet-stream)$)/i;

/**
 * Files users attach to `/play`: audio or video files (sniffed like any link, so a mislabelled file is still
 * caught) and playlist files. Discord tells us the size and type up front, so an oversized or plainly
 * non-media attachment is refused without downloading anything. Streamed through `HttpSource` (safe fetch).
 */
export class AttachmentSource implements PreparableSource {
  readonly name = 'attachment' as const;

  constructor(private readonly options: AttachmentSourceOptions) {}

  canHandle(query: Query): boolean {
    return query.kind === 'attachment';
  }

  async resolve(query: Query, signal: AbortSignal): Promise<Resolution> {
    if (query.kind !== 'attachment') throw new UserError('UNSUPPORTED_QUERY');
    const hosts = (this.options.hosts ?? DISCORD_ATTACHMENT_HOSTS).map((h) => h.toLowerCase());
    const { hostname, host } = query.url;
    if (
      !/^https?:$/.test(query.url.protocol) ||
      !(hosts.includes(hostname.toLowerCase()) || hosts.includes(host.toLowerCase()))
    ) {
      throw sourceErrors.notDiscordAttachment();
    }
    if (query.size > this.options.maxBytes) throw new UserError('MEDIA_TOO_LARGE');
    if (isPlaylistFileName(query.name) || isPlaylistContentType(query.contentType)) return this.playlist(query, signal);
    if (query.contentType && !MEDIA_TYPE.test(query.contentType)) throw new UserError('NOT_AUDIO');
    const probed = await this.options.http.probe(query.url, signal);
    return { kind: 'track', track: attachmentTrack(query, probed) };
  }

  stream(track: Track, options: StreamOptions): Promise<MediaStream> {
    return this.options.http.stream(asHttp(track), options);
  }

  async prepare(track: Track, signal: AbortSignal): Promise<void> {
    await this.options.http.probe(new URL(track.url), signal);
  }

  private async playlist(query: Extract<Query, { kind: 'attachment' }>, signal: AbortSignal): Promise<Resolution> {
    const max = this.options.maxPlaylistBytes ?? 2 * 1024 * 1024;
    if (query.size > max) throw new UserError('MEDIA_TOO_LARGE');
    const response = await openMedia(query.url, {
      policy: this.options.policy,
      signal,
      timeoutMs: this.options.timeoutMs,
      maxBytes: max,
    });
    const text = await readText(response.body, max);
    const contentType = query.contentType ?? contentTypeOf(response.headers);
    return this.options.playlists.fromText(
      text,
      { url: response.url, name: query.name, ...(contentType ? { contentType } : {}) },
      signal,
    );
  }
}

/** The file's own tag title wins over its name (a file `track01.mp3` tagged "Evening Walk" is "Evening Walk"). */
function attachmentTrack(
  query: Extract<Query, { kind: 'attachment' }>,
  probed: Track & { readonly titleFromTags?: true },
): Track {
  const fileTitle =
    query.name
      .replace(/\.[a-z0-9]{2,5}$/i, '')
      .replace(/_+/g, ' ')
      .trim() || probed.title;
  return {
    id: `attachment:${query.url.origin}${query.url.pathname}`,
    source: 'attachment',
    title: (probed.titleFromTags ? probed.title : fileTitle).slice(0, 200),
    url: probed.url,
    durationMs: probed.durationMs,
    ...(probed.artist ? { artist: probed.artist } : {}),
    ...(probed.isLive ? { isLive: true } : {}),
  };
}

/** The same file as `HttpSource` knows it (its id keys the response kept from probing). */
function asHttp(track: Track): Track {
  const url = new URL(track.url);
  url.hash = '';
  return { ...track, id: `http:${url.href}`, source: 'http' };
}
