import { UserError } from '../../core/errors.js';
import type { Track } from '../../core/track.js';
import type { AddressPolicy } from '../../net/address-policy.js';
import type { MediaStream, Query, Resolution, Source, StreamOptions } from '../../ports/source.js';
import { openHls } from './hls-reader.js';

export interface RadioSourceOptions {
  readonly policy: AddressPolicy;
  readonly timeoutMs: number;
}

/**
 * Stations that broadcast over HLS (`.m3u8`). ICY/Shoutcast stations are plain endless HTTP bodies and stay
 * `http` tracks with `isLive`; HLS needs its playlist followed, so those tracks are tagged `radio` and
 * streamed here. Tracks come from the playlist-file source (which recognises HLS text), never from a query.
 */
export class RadioSource implements Source {
  readonly name = 'radio' as const;

  constructor(private readonly options: RadioSourceOptions) {}

  canHandle(_query: Query): boolean {
    return false;
  }

  resolve(_query: Query, _signal: AbortSignal): Promise<Resolution> {
    return Promise.reject(new UserError('UNSUPPORTED_QUERY'));
  }

  stream(track: Track, options: StreamOptions): Promise<MediaStream> {
    return openHls(new URL(track.url), {
      policy: this.options.policy,
      signal: options.signal,
      timeoutMs: this.options.timeoutMs,
    });
  }
}

/** A `radio` track for an HLS playlist: live unless the text ends the list (then its length is summed). */
export function radioTrackFromHls(url: URL, text: string, title: string): Track {
  const clean = new URL(url);
  clean.hash = '';
  const ended = text.includes('#EXT-X-ENDLIST');
  const seconds = [...text.matchAll(/^#EXTINF:([\d.]+)/gm)].reduce((sum, m) => sum + (Number(m[1]) || 0), 0);
  return {
    id: `radio:${clean.href}`,
    source: 'radio',
    title: title.slice(0, 200),
    url: clean.href,
    durationMs: ended && seconds > 0 ? Math.round(seconds * 1000) : null,
    ...(ended ? {} : { isLive: true }),
  };
}
