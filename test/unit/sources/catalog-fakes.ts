import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeezerAlbum, DeezerPlaylist, DeezerTrack, SpotifyAlbum, SpotifyPlaylist, SpotifyTrack } from 'play-dl';
import { systemClock } from '../../../src/ports/clock.js';
import { SongCache } from '../../../src/resolver/song-cache.js';
import type { DeezerApi, DeezerCollectionData, DeezerTrackData } from '../../../src/sources/catalog/deezer-source.js';
import type {
  SpotifyApi,
  SpotifyCollectionData,
  SpotifyTrackData,
} from '../../../src/sources/catalog/spotify-source.js';
import { YtDlpClient } from '../../../src/sources/ytdlp/ytdlp-client.js';
import { YtDlpSource } from '../../../src/sources/ytdlp/ytdlp-source.js';
import { MatchedStreamer, YouTubeMatcher } from '../../../src/sources/catalog/youtube-matcher.js';
import { FakeClock } from '../../support/fake-clock.js';
import { MemoryStore } from '../resolver/memory-store.js';
import { FAKE_YTDLP, fakeEnv, readArgsLog, tempDir } from './fake-ytdlp-helpers.js';
import { loopbackPolicy } from './loopback-server.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
export const recorded = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(FIXTURES, path), 'utf8')) as Record<string, unknown>;

type Json = Record<string, unknown>;

/**
 * Spotify through play-dl's own classes, built from recorded Web API responses: play-dl's parsing runs for
 * real; only its HTTP calls are replaced. `pages` are later playlist pages (Web API `…/tracks` responses),
 * delivered in reverse to mimic play-dl storing them in completion order.
 */
export class RecordedSpotify implements SpotifyApi {
  readonly calls: string[] = [];
  fetches = 0;
  private readonly items = new Map<string, () => SpotifyTrackData | SpotifyCollectionData>();

  track(id: string, json: Json): this {
    this.items.set(`https://open.spotify.com/track/${id}`, () => new SpotifyTrack(json) as unknown as SpotifyTrackData);
    return this;
  }

  album(id: string, json: Json): this {
    this.items.set(
      `https://open.spotify.com/album/${id}`,
      () => new SpotifyAlbum(json, { market: 'US' } as never, false) as unknown as SpotifyCollectionData,
    );
    return this;
  }

  playlist(id: string, json: Json, pages: Json[] = []): this {
    this.items.set(`https://open.spotify.com/playlist/${id}`, () => {
      const playlist = new SpotifyPlaylist(json, { market: 'US' } as never, false);
      const store = (playlist as unknown as { fetched_tracks: Map<string, unknown[]> }).fetched_tracks;
      playlist.fetch = async () => {
        this.fetches++;
        for (let n = pages.length - 1; n >= 0; n--) {
          const items = ((pages[n]?.['items'] ?? []) as Json[])
            .filter((i) => i['track'])
            .map((i) => new SpotifyTrack(i['track']));
          store.set(`${n + 2}`, items);
        }
        return playlist;
      };
      return playlist as unknown as SpotifyCollectionData;
    });
    return this;
  }

  async load(url: string): Promise<SpotifyTrackData | SpotifyCollectionData> {
    this.calls.push(url);
    const make = this.items.get(url);
    if (!make) throw new Error('Got 404 from the spotify request: Non existing id');
    return make();
  }
}

/** Deezer through play-dl's own classes, built from recorded api.deezer.com responses. */
export class RecordedDeezer implements DeezerApi {
  readonly calls: string[] = [];
  private readonly items = new Map<string, () => DeezerTrackData | DeezerCollectionData>();

  add(url: string, kind: 'track' | 'album' | 'playlist', json: Json, rest: Json[] = []): this {
    this.items.set(url, () => {
      if (kind === 'track') return new DeezerTrack(json, false) as unknown as DeezerTrackData;
      const item = kind === 'album' ? new DeezerAlbum(json, false) : new DeezerPlaylist(json, false);
      item.all_tracks = async () => [...item.tracks, ...rest.map((t) => new DeezerTrack(t, true))];
      return item as unknown as DeezerCollectionData;
    });
    return this;
  }

  async load(url: string): Promise<DeezerTrackData | DeezerCollectionData> {
    this.calls.push(url);
    const make = this.items.get(url);
    if (!make) throw new Error('Deezer API Error: DataException: no data');
    return make();
  }
}

/** A Web API playlist of `total` tracks: first page in the playlist object, the rest as `…/tracks` pages. */
export function bigSpotifyPlaylist(total: number, realFirst = false) {
  const template = (recorded('spotify/playlist.json')['tracks'] as { items: Record<string, unknown>[] })
    .items[0] as Record<string, unknown>;
  const item = (n: number) => {
    const track = structuredClone(template['track']) as Record<string, unknown>;
    const id = `Track${String(n).padStart(6, '0')}abcdefghij`;
    Object.assign(track, {
      id,
      name: `Song number ${n}`,
      external_urls: { spotify: `https://open.spotify.com/track/${id}` },
    });
    return { ...template, track };
  };
  const items = Array.from({ length: total }, (_, n) => item(n));
  // Optionally a real song first, so the first entry has a YouTube match.
  if (realFirst) items[0] = { ...template, track: recorded('spotify/track.json') };
  const json = {
    ...recorded('spotify/playlist.json'),
    id: 'BigBigBigBig1000',
    tracks: { items: items.slice(0, 100), total },
  };
  const pages = [];
  for (let offset = 100; offset < total; offset += 100)
    pages.push({ items: items.slice(offset, offset + 100), offset, total });
  return { json, pages };
}

/** The YouTube side: the fake yt-dlp, media on `mediaUrl`, and a matcher with its own cache. */
export function youtubeSide(mediaUrl: string) {
  const log = join(tempDir(), 'args.log');
  const clock = new FakeClock();
  const client = new YtDlpClient({
    binary: FAKE_YTDLP,
    clock: systemClock,
    env: fakeEnv({ FAKE_YTDLP_ARGS_LOG: log, FAKE_YTDLP_MEDIA_URL: mediaUrl }),
  });
  const youtube = new YtDlpSource({
    client,
    cache: new SongCache({ store: new MemoryStore(), clock }),
    policy: loopbackPolicy(),
    timeoutMs: 5_000,
  });
  const matcher = new YouTubeMatcher({
    searcher: youtube,
    cache: new SongCache({ store: new MemoryStore(), clock, namespace: 'match' }),
  });
  const runs = (): string[][] => {
    try {
      return readArgsLog(log);
    } catch {
      return [];
    }
  };
  return { youtube, matcher, streamer: new MatchedStreamer(matcher, () => youtube), runs };
}
