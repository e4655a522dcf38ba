import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUserError } from '../../../src/core/errors.js';
import type { Track } from '../../../src/core/track.js';
import { systemClock } from '../../../src/ports/clock.js';
import type { PagedPlaylist, Query } from '../../../src/ports/source.js';
import { HttpSource } from '../../../src/sources/http/http-source.js';
import { PlaylistFileSource } from '../../../src/sources/http/playlist-file-source.js';
import { RadioSource } from '../../../src/sources/http/radio-source.js';
import { LoopbackServer, MP3, OGG_OPUS, drain, failure, loopbackPolicy, signal } from './loopback-server.js';

let server: LoopbackServer;
const endless: ServerResponse[] = [];

/** An ICY station: headers at once, then audio forever. */
function station(name: string) {
  return (_req: unknown, res: ServerResponse) => {
    endless.push(res);
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'icy-name': name, 'icy-br': '128' });
    res.write(MP3);
    const timer = setInterval(() => res.write(MP3.subarray(10, 1000)), 50);
    res.on('close', () => clearInterval(timer));
  };
}

beforeAll(async () => {
  server = await new LoopbackServer().start();
  const b = server.base;
  server
    .route('/music/one.mp3', { headers: { 'content-type': 'audio/mpeg' }, body: MP3 })
    .route('/music/two.ogg', { headers: { 'content-type': 'audio/ogg' }, body: OGG_OPUS })
    .route('/lists/mix.m3u', {
      body: `#EXTM3U\n#EXTINF:215,Artist A - First Song\n../music/one.mp3\n#EXTINF:180,Second Song\n${b}/music/two.ogg\n#EXTINF:10,Secret\nhttp://127.0.0.2:9/secret.mp3\n`,
    })
    .route('/radio/live', station('Loopback FM'))
    .route('/lists/station.pls', {
      body: `[playlist]\nNumberOfEntries=2\nFile1=${b}/radio/down\nTitle1=Loopback FM (mirror 1)\nLength1=-1\nFile2=${b}/radio/live\nTitle2=Loopback FM (mirror 2)\nLength2=-1\nVersion=2\n`,
    })
    .route('/lists/album.xspf', {
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<playlist version="1" xmlns="http://xspf.org/ns/0/"><trackList>
        <track><location>${b}/music/one.mp3</location><title>Uno &amp; Dos</title><creator>Band</creator><duration>215000</duration></track>
        <track><location>${b}/music/two.ogg</location><title>Tres</title><creator>Band</creator><duration>180000</duration></track>
      </trackList></playlist>`,
    })
    .route('/lists/outer.m3u', {
      body: `#EXTM3U\n#EXTINF:215,One\n${b}/music/one.mp3\n${b}/lists/inner.pls\n${b}/hls/live.m3u8\n`,
    })
    .route('/lists/inner.pls', {
      body: `[playlist]\nFile1=${b}/music/two.ogg\nTitle1=Two\nLength1=180\nFile2=${b}/lists/outer.m3u\nLength2=1\n`,
    })
    .route('/hls/live.m3u8', {
      body: `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n${b}/music/two.ogg\n#EXTINF:1,\n${b}/music/two.ogg\n#EXT-X-ENDLIST\n`,
    })
    .route('/no-extension', {
      headers: { 'content-type': 'text/plain' },
      body: `#EXTM3U\n#EXTINF:215,One\n${b}/music/one.mp3\n#EXTINF:180,Two\n${b}/music/two.ogg\n`,
    })
    .route('/typed', {
      headers: { 'content-type': 'audio/x-mpegurl' },
      body: `${b}/music/one.mp3\n${b}/music/two.ogg\n`,
    })
    .route('/lists/empty.m3u', { body: '#EXTM3U\n# nothing here\n' })
    .route('/lists/eight.m3u', {
      body: Array.from({ length: 8 }, (_, i) => `#EXTINF:60,Song ${i}\n${b}/music/one.mp3?n=${i}`).join('\n'),
    });
});
afterAll(async () => {
  for (const res of endless) res.destroy();
  await server.close();
});

function setup(maxPlaylist = 1000) {
  const policy = loopbackPolicy();
  const holder: { playlists?: PlaylistFileSource } = {};
  const http = new HttpSource({
    policy,
    clock: systemClock,
    timeoutMs: 2_000,
    maxBytes: 10_000_000,
    playlists: { resolveUrl: (url, s) => (holder.playlists as PlaylistFileSource).resolveUrl(url, s) },
  });
  const playlists = new PlaylistFileSource({ policy, timeoutMs: 2_000, http, maxPlaylist });
  holder.playlists = playlists;
  return { http, playlists, radio: new RadioSource({ policy, timeoutMs: 2_000 }) };
}

const url = (path: string): Query => ({ kind: 'url', url: new URL(server.url(path)), raw: server.url(path) });
const titles = (tracks: readonly Track[]) => tracks.map((t) => t.title);

describe('PlaylistFileSource', () => {
  it('turns M3U entries into http tracks; entries the address policy refuses are dropped when it is parsed', async () => {
    const { playlists } = setup();
    expect(playlists.canHandle(url('/lists/mix.m3u'))).toBe(true);
    const list = (await playlists.resolve(url('/lists/mix.m3u'), signal())) as PagedPlaylist;
    expect(list).toMatchObject({ kind: 'playlist', title: 'mix', skipped: 1 });
    // The private entry never reaches the queue (queued, it would only fail when its turn came: issue 10).
    expect(list.tracks.map((t) => [t.source, t.title, t.durationMs])).toEqual([
      ['http', 'Artist A - First Song', 215_000],
      ['http', 'Second Song', 180_000],
    ]);
    expect(list.tracks[0]?.url).toBe(server.url('/music/one.mp3'));
    const first = await playlists.stream(list.tracks[0] as Track, { startMs: 0, signal: signal() });
    expect(await drain(first.stream)).toEqual(MP3);
    const secret = await failure(
      playlists.stream(
        { ...(list.tracks[0] as Track), url: 'http://127.0.0.2:9/secret.mp3' },
        { startMs: 0, signal: signal() },
      ),
    );
    expect(isUserError(secret) && secret.code).toBe('PRIVATE_ADDRESS');
  });

  it('resolves a radio .pls to one live track: the first mirror that answers', async () => {
    const { playlists, http } = setup();
    const resolution = await playlists.resolve(url('/lists/station.pls'), signal());
    expect(resolution).toMatchObject({
      kind: 'track',
      track: { source: 'http', isLive: true, title: 'Loopback FM', durationMs: null },
    });
    if (resolution.kind !== 'track') throw new Error('expected a track');
    const played = await http.stream(resolution.track, { startMs: 0, signal: signal() });
    played.stream.destroy();
    expect(server.hits('/radio/down')).toBe(1);
    expect(server.hits('/radio/live')).toBe(1); // the probe's response was handed to the first play
  });

  it('reads XSPF titles and creators', async () => {
    const { playlists } = setup();
    const list = await playlists.resolve(url('/lists/album.xspf'), signal());
    expect(list.kind === 'playlist' && list.tracks.map((t) => [t.title, t.artist, t.durationMs])).toEqual([
      ['Uno & Dos', 'Band', 215_000],
      ['Tres', 'Band', 180_000],
    ]);
  });

  it('expands nested playlists one level deep, and HLS entries become radio tracks', async () => {
    const { playlists, radio } = setup();
    const list = (await playlists.resolve(url('/lists/outer.m3u'), signal())) as PagedPlaylist;
    expect(list.tracks.map((t) => [t.source, t.title])).toEqual([
      ['http', 'One'],
      ['http', 'Two'],
      ['radio', 'live'],
    ]);
    expect(list.skipped).toBe(1); // inner.pls named outer.m3u again: dropped, never fetched twice
    expect(server.hits('/lists/outer.m3u')).toBe(1);
    const hls = list.tracks[2] as Track;
    expect(hls.durationMs).toBe(2_000);
    const played = await radio.stream(hls, { startMs: 0, signal: signal() });
    expect(await drain(played.stream)).toEqual(Buffer.concat([OGG_OPUS, OGG_OPUS]));
  });

  it('gets links without a playlist extension handed over by HttpSource (sniffed or typed)', async () => {
    const { http } = setup();
    const sniffed = await http.resolve(url('/no-extension'), signal());
    expect(sniffed.kind === 'playlist' && titles(sniffed.tracks)).toEqual(['One', 'Two']);
    const typed = await http.resolve(url('/typed'), signal());
    expect(typed.kind === 'playlist' && titles(typed.tracks)).toEqual(['one', 'two']);
  });

  it('reads past MAX_PLAYLIST (the loader caps and counts the rest) and refuses empty playlists clearly', async () => {
    const { playlists } = setup(5);
    const list = await playlists.resolve(url('/lists/eight.m3u'), signal());
    expect(list.kind === 'playlist' && list.tracks.length).toBe(8);
    const empty = await failure(playlists.resolve(url('/lists/empty.m3u'), signal()));
    expect(isUserError(empty) && empty.message).toMatch(/nothing I can play/);
  });
});
