import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUserError } from '../../../src/core/errors.js';
import type { Track } from '../../../src/core/track.js';
import type { PagedPlaylist, Query } from '../../../src/ports/source.js';
import { DeezerSource } from '../../../src/sources/catalog/deezer-source.js';
import { RecordedDeezer, recorded, youtubeSide } from './catalog-fakes.js';
import { LoopbackServer, WEBM_OPUS, drain, failure, signal } from './loopback-server.js';

let media: LoopbackServer;

beforeAll(async () => {
  media = await new LoopbackServer().start();
  media.route('/videoplayback', { headers: { 'content-type': 'audio/webm' }, body: WEBM_OPUS });
});
afterAll(() => media.close());

const url = (href: string): Query => ({ kind: 'url', url: new URL(href), raw: href });

/** A long playlist as play-dl gets it: the first response lists 400, later pages start at index 100 (overlap). */
function longPlaylist() {
  const base = recorded('deezer/playlist.json');
  const template = (base['tracks'] as { data: Record<string, unknown>[] }).data[1] as Record<string, unknown>;
  const track = (n: number) => ({
    ...structuredClone(template),
    id: 5_000_000 + n,
    title: `Song ${n}`,
    link: `https://www.deezer.com/track/${5_000_000 + n}`,
  });
  const json = { ...base, id: 1, nb_tracks: 1000, tracks: { data: Array.from({ length: 400 }, (_, n) => track(n)) } };
  const later = Array.from({ length: 600 }, (_, n) => track(n + 100)); // what play-dl's paging fetches
  return { json, later };
}

function setup() {
  const side = youtubeSide(media.url('/videoplayback'));
  const { json, later } = longPlaylist();
  const api = new RecordedDeezer()
    .add('https://www.deezer.com/track/3135556', 'track', recorded('deezer/track.json'))
    .add('https://www.deezer.com/en/album/302127', 'album', recorded('deezer/album.json'))
    .add('https://www.deezer.com/playlist/908622995', 'playlist', recorded('deezer/playlist.json'))
    .add('https://www.deezer.com/playlist/1', 'playlist', json, later)
    .add('https://deezer.page.link/abcdEFGH', 'track', recorded('deezer/track.json'));
  return { ...side, api, source: new DeezerSource({ api, streamer: side.streamer }) };
}

describe('DeezerSource', () => {
  it('handles deezer.com and share links only', () => {
    const { source } = setup();
    expect(source.canHandle(url('https://www.deezer.com/track/3135556'))).toBe(true);
    expect(source.canHandle(url('https://deezer.page.link/abcdEFGH'))).toBe(true);
    expect(source.canHandle(url('https://deezer.com.example/track/1'))).toBe(false);
  });

  it('maps tracks (with cover art) and share links from play-dl objects', async () => {
    const { source } = setup();
    const resolution = await source.resolve(url('https://www.deezer.com/track/3135556'), signal());
    expect(resolution).toMatchObject({
      kind: 'track',
      track: {
        id: 'deezer:3135556',
        source: 'deezer',
        title: 'Harder, Better, Faster, Stronger',
        artist: 'Daft Punk',
        durationMs: 224_000,
      },
    });
    expect((resolution as { track: Track }).track.thumbnailUrl).toMatch(/250x250/);
    expect(await source.resolve(url('https://deezer.page.link/abcdEFGH'), signal())).toMatchObject({ kind: 'track' });
  });

  it('resolves albums and playlists; a track plays from its YouTube match', async () => {
    const { source, runs } = setup();
    const album = await source.resolve(url('https://www.deezer.com/en/album/302127'), signal());
    expect(album.kind === 'playlist' && album.tracks.map((t) => t.title)).toEqual([
      'One More Time',
      'Aerodynamic',
      'Digital Love',
      'Harder, Better, Faster, Stronger',
    ]);
    const list = (await source.resolve(url('https://www.deezer.com/playlist/908622995'), signal())) as PagedPlaylist;
    expect(list.more).toBeUndefined();
    const rick = list.tracks[1] as Track;
    expect(runs()).toHaveLength(0);
    const played = await source.stream(rick, { startMs: 0, signal: signal() });
    expect(await drain(played.stream)).toEqual(WEBM_OPUS);
    expect(runs()).toHaveLength(2);
  });

  it('returns what the first response listed at once, and only new tracks from the rest', async () => {
    const { source } = setup();
    const list = (await source.resolve(url('https://www.deezer.com/playlist/1'), signal())) as PagedPlaylist;
    expect(list.tracks).toHaveLength(400);
    expect(list.total).toBe(1000);
    const rest = await list.more?.(signal());
    expect(rest?.map((t) => t.title)).toEqual(Array.from({ length: 300 }, (_, n) => `Song ${n + 400}`));
  });

  it('explains dead links and unsupported link kinds', async () => {
    const { source } = setup();
    const dead = await failure(source.resolve(url('https://www.deezer.com/track/1'), signal()));
    expect(isUserError(dead) && dead.message).toMatch(/private, deleted/);
    const artist = await failure(source.resolve(url('https://www.deezer.com/artist/27'), signal()));
    expect(isUserError(artist) && artist.message).toMatch(/tracks, albums and playlists/);
  });
});
