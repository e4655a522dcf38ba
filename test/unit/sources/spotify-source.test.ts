import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUserError } from '../../../src/core/errors.js';
import type { Track } from '../../../src/core/track.js';
import type { PagedPlaylist, Query } from '../../../src/ports/source.js';
import { SpotifySource, parseSpotifyUrl } from '../../../src/sources/catalog/spotify-source.js';
import { RecordedSpotify, bigSpotifyPlaylist, recorded, youtubeSide } from './catalog-fakes.js';
import { LoopbackServer, WEBM_OPUS, drain, failure, signal } from './loopback-server.js';

let media: LoopbackServer;

beforeAll(async () => {
  media = await new LoopbackServer().start();
  media.route('/videoplayback', { headers: { 'content-type': 'audio/webm' }, body: WEBM_OPUS });
});
afterAll(() => media.close());

const TRACK = '4PTG3Z6ehGkBFwjybzWkR8';
const url = (href: string): Query => ({ kind: 'url', url: new URL(href), raw: href });

function setup() {
  const side = youtubeSide(media.url('/videoplayback'));
  const { json, pages } = bigSpotifyPlaylist(1000);
  const api = new RecordedSpotify()
    .track(TRACK, recorded('spotify/track.json'))
    .album('6XhjNHCyCDyyGJRM5mg40G', recorded('spotify/album.json'))
    .playlist('37i9dQZF1DX4o1oenSJRJd', recorded('spotify/playlist.json'))
    .playlist('BigBigBigBig1000', json, pages);
  return { ...side, api, source: new SpotifySource({ api, streamer: side.streamer }) };
}

describe('SpotifySource', () => {
  it('tells users what the owner must set when credentials are missing', async () => {
    const source = new SpotifySource({ api: null, streamer: setup().streamer });
    const error = await failure(source.resolve(url(`https://open.spotify.com/track/${TRACK}`), signal()));
    expect(isUserError(error) && error.message).toMatch(/SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET/);
  });

  it('resolves a track from metadata alone, and maps it to YouTube only when it plays', async () => {
    const { source, runs } = setup();
    const resolution = await source.resolve(url(`https://open.spotify.com/intl-de/track/${TRACK}?si=abc`), signal());
    expect(resolution).toMatchObject({
      kind: 'track',
      track: {
        id: `spotify:${TRACK}`,
        source: 'spotify',
        title: 'Never Gonna Give You Up',
        artist: 'Rick Astley',
        durationMs: 213_573,
      },
    });
    expect(runs()).toHaveLength(0);
    const track = (resolution as { track: Track }).track;
    const played = await source.stream(track, { startMs: 0, signal: signal() });
    expect(await drain(played.stream)).toEqual(WEBM_OPUS);
    const [search, video] = runs();
    expect(search?.at(-1)).toBe('ytsearch5:Rick Astley - Never Gonna Give You Up');
    expect(video?.at(-1)).toBe('https://www.youtube.com/watch?v=lYBUbBu4W08'); // the Topic upload: same length
    const again = await source.stream(track, { startMs: 0, signal: signal() });
    again.stream.destroy();
    expect(runs()).toHaveLength(2); // match and stream URL both cached
  });

  it('accepts spotify: URIs', async () => {
    const { source, api } = setup();
    expect(parseSpotifyUrl(new URL(`spotify:track:${TRACK}`))).toEqual({ type: 'track', id: TRACK });
    await source.resolve(url(`spotify:track:${TRACK}`), signal());
    expect(api.calls).toEqual([`https://open.spotify.com/track/${TRACK}`]);
  });

  it('resolves albums and playlists, skipping local files and removed tracks', async () => {
    const { source } = setup();
    const album = await source.resolve(url('https://open.spotify.com/album/6XhjNHCyCDyyGJRM5mg40G'), signal());
    expect(album.kind === 'playlist' && album.tracks.map((t) => t.title)).toEqual([
      'Never Gonna Give You Up',
      'Whenever You Need Somebody',
      'Together Forever',
    ]);
    const list = (await source.resolve(
      url('https://open.spotify.com/playlist/37i9dQZF1DX4o1oenSJRJd'),
      signal(),
    )) as PagedPlaylist;
    expect(list.title).toBe('Everybody Knows');
    expect(list.tracks.map((t) => `${t.artist} - ${t.title}`)).toEqual([
      'Queen - Bohemian Rhapsody - Remastered 2011',
      'Luis Fonsi, Daddy Yankee - Despacito',
      'Rick Astley - Never Gonna Give You Up',
    ]);
    expect(list.skipped).toBe(1);
    expect(list.more).toBeUndefined();
  });

  it('returns the first page of a 1,000-track playlist at once and the rest, in order, on demand — without searching', async () => {
    const { source, api, runs } = setup();
    const list = (await source.resolve(
      url('https://open.spotify.com/playlist/BigBigBigBig1000'),
      signal(),
    )) as PagedPlaylist;
    expect(list.tracks).toHaveLength(100);
    expect(list.total).toBe(1000);
    expect(api.fetches).toBe(0);
    const rest = await list.more?.(signal());
    expect(rest).toHaveLength(900);
    expect(rest?.[0]?.title).toBe('Song number 100');
    expect(rest?.[899]?.title).toBe('Song number 999');
    expect(runs()).toHaveLength(0);
  });

  it('explains dead links, unsupported link kinds and songs without a YouTube match', async () => {
    const { source } = setup();
    const dead = await failure(source.resolve(url('https://open.spotify.com/track/0000000000000000000000'), signal()));
    expect(isUserError(dead) && dead.message).toMatch(/private, deleted/);
    const artist = await failure(
      source.resolve(url('https://open.spotify.com/artist/0gxyHStUsqpMadRV0Di1Qt'), signal()),
    );
    expect(isUserError(artist) && artist.message).toMatch(/tracks, albums and playlists/);
    const list = (await source.resolve(
      url('https://open.spotify.com/playlist/37i9dQZF1DX4o1oenSJRJd'),
      signal(),
    )) as PagedPlaylist;
    const queen = list.tracks[0] as Track; // the fake's search only knows Rick Astley uploads
    const none = await failure(source.stream(queen, { startMs: 0, signal: signal() }));
    expect(isUserError(none) && none.message).toMatch(/couldn't find a playable version of "Queen - Bohemian Rhapsody/);
  });
});
