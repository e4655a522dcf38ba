import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Track } from '../../../src/core/track.js';
import type { Query } from '../../../src/ports/source.js';
import type { PlaylistProgress } from '../../../src/resolver/playlist-loader.js';
import { RecordedSpotify, bigSpotifyPlaylist } from '../sources/catalog-fakes.js';
import { LoopbackServer, MP3, WEBM_OPUS, drain, signal } from '../sources/loopback-server.js';
import { testStack } from '../sources/source-stack.js';

let server: LoopbackServer;
const entry = (n: number) => `http://127.0.0.1:PORT/a/${n % 900}.mp3`; // 900…999 repeat 0…99

beforeAll(async () => {
  server = await new LoopbackServer().start();
  const lines = ['#EXTM3U'];
  for (let n = 0; n < 1000; n++)
    lines.push(`#EXTINF:180,Song ${n % 900}`, entry(n).replace('PORT', new URL(server.base).port));
  server.route('/big.m3u', { headers: { 'content-type': 'audio/x-mpegurl' }, body: lines.join('\n') });
  server.route('/a/0.mp3', { headers: { 'content-type': 'audio/mpeg' }, body: MP3 });
  server.route('/a/1.mp3', { headers: { 'content-type': 'audio/mpeg' }, body: MP3 });
  server.route('/videoplayback', { headers: { 'content-type': 'audio/webm' }, body: WEBM_OPUS });
});
afterAll(() => server.close());

const url = (href: string): Query => ({ kind: 'url', url: new URL(href), raw: href });

async function collect(rest: AsyncIterable<readonly Track[]>): Promise<Track[][]> {
  const batches: Track[][] = [];
  for await (const batch of rest) batches.push([...batch]);
  return batches;
}

describe('TrackResolver.resolvePlaylist', () => {
  it('1,000 entries: the first track at once, the rest in batches, duplicates skipped and the cap enforced', async () => {
    const stack = await testStack();
    const queued = new Set(Array.from({ length: 10 }, (_, i) => `http:${server.url(`/a/${10 + i}.mp3`)}`));
    const progress: PlaylistProgress[] = [];
    const load = await stack.resolver.resolvePlaylist(url(server.url('/big.m3u')), {
      signal: signal(),
      existingKeys: queued,
      cap: 500,
      onProgress: (p) => progress.push(p),
    });
    expect(load.kind).toBe('playlist');
    expect(load.first.map((t) => t.title)).toEqual(['Song 0']);
    expect(load.progress()).toMatchObject({ added: 1, done: false });
    expect(server.hits('/a/0.mp3')).toBe(1); // the first entry was checked (and kept open for its play)

    const batches = await collect(load.rest);
    const all = [...load.first, ...batches.flat()];
    expect(all).toHaveLength(500);
    expect(new Set(all.map((t) => t.id)).size).toBe(500);
    expect(all.some((t) => queued.has(t.id))).toBe(false);
    expect(batches.every((b) => b.length <= 100)).toBe(true);
    expect(load.progress()).toEqual({ added: 500, duplicates: 110, failed: 0, overCap: 390, total: null, done: true });
    expect(progress.map((p) => p.added)).toEqual([...progress.map((p) => p.added)].sort((a, b) => a - b));
    expect(server.requests.filter((r) => r.path.startsWith('/a/'))).toHaveLength(1); // no entry fetched up front

    const played = await stack.resolver.stream(load.first[0] as Track, { startMs: 0, signal: signal() });
    expect(await drain(played.stream)).toEqual(MP3);
    expect(server.hits('/a/0.mp3')).toBe(1); // playback took the response opened while checking

    const again = await stack.resolver.resolvePlaylist(url(server.url('/big.m3u')), {
      signal: signal(),
      allowDuplicates: true,
      cap: 2_000,
    });
    await collect(again.rest);
    expect(server.hits('/big.m3u')).toBe(1); // cached
    expect(again.progress()).toMatchObject({ added: 1000, duplicates: 0, overCap: 0 }); // MAX_PLAYLIST caps at 1,000
  });

  it('YouTube playlists: unplayable entries (private, deleted, unavailable) count as failed, repeats as duplicates', async () => {
    const stack = await testStack({ FAKE_YTDLP_MEDIA_URL: server.url('/videoplayback') });
    const load = await stack.resolver.resolvePlaylist(
      url('https://www.youtube.com/playlist?list=PLFgquLnL59alCl_2TQvOiD5Vgm1hCaGSI'),
      { signal: signal() },
    );
    // The fake knows only some of these videos: the first two entries are unplayable, so the first
    // playable one is the third; the two that failed count with the private/deleted ones.
    expect(load.first[0]?.id).toBe('youtube:dQw4w9WgXcQ');
    expect(stack.spawns().map((args) => args.at(-1))).toEqual([
      'https://www.youtube.com/playlist?list=PLFgquLnL59alCl_2TQvOiD5Vgm1hCaGSI',
      'https://www.youtube.com/watch?v=fJ9rUzIMcZQ',
      'https://www.youtube.com/watch?v=kJQP7kiw5Fk',
      'https://www.youtube.com/watch?v=dQw4w9WgXcQ', // prepared: its stream URL is cached for the first play
    ]);
    await collect(load.rest);
    expect(load.progress()).toEqual({ added: 3, duplicates: 1, failed: 4, overCap: 0, total: null, done: true });
    const played = await stack.resolver.stream(load.first[0] as Track, { startMs: 0, signal: signal() });
    expect(await drain(played.stream)).toEqual(WEBM_OPUS);
    expect(stack.spawns()).toHaveLength(4);
  });

  it('Spotify: the first track mapped to YouTube at once; the other 999 fetched in the background and never searched', async () => {
    const { json, pages } = bigSpotifyPlaylist(1000, true);
    const api = new RecordedSpotify().playlist('BigBigBigBig1000', json, pages);
    const stack = await testStack({ FAKE_YTDLP_MEDIA_URL: server.url('/videoplayback') }, { spotifyApi: api });
    const load = await stack.resolver.resolvePlaylist(url('https://open.spotify.com/playlist/BigBigBigBig1000'), {
      signal: signal(),
    });
    expect(load.first.map((t) => [t.source, t.title])).toEqual([['spotify', 'Never Gonna Give You Up']]);
    expect(stack.spawns()).toHaveLength(2); // one search, one stream URL
    expect(api.fetches).toBe(0);
    expect(load.progress()).toMatchObject({ added: 1, total: 1000, done: false });

    const rest = (await collect(load.rest)).flat();
    expect(rest).toHaveLength(999);
    expect(api.fetches).toBe(1);
    expect(load.progress()).toEqual({ added: 1000, duplicates: 0, failed: 0, overCap: 0, total: 1000, done: true });
    expect(stack.spawns()).toHaveLength(2);

    const played = await stack.resolver.stream(load.first[0] as Track, { startMs: 0, signal: signal() });
    expect(await drain(played.stream)).toEqual(WEBM_OPUS);
    expect(stack.spawns()).toHaveLength(2); // match and stream URL were prepared

    const full = await stack.resolver.resolve(url('https://open.spotify.com/playlist/BigBigBigBig1000'), signal());
    expect(full.kind === 'playlist' && full.tracks.length).toBe(1000);
    expect(api.calls).toHaveLength(1); // the completed playlist was cached
  });

  it('skips an unplayable first entry, and stops filling quietly when the caller aborts', async () => {
    const stack = await testStack();
    const controller = new AbortController();
    const dead = new Set([`http:${server.url('/a/0.mp3')}`]);
    // Entry 0 is "already queued", entry 1 plays; a cap of 150 needs two batches.
    const load = await stack.resolver.resolvePlaylist(url(server.url('/big.m3u')), {
      signal: controller.signal,
      existingKeys: dead,
      cap: 150,
      batchSize: 50,
    });
    expect(load.first[0]?.title).toBe('Song 1');
    const seen: number[] = [];
    for await (const batch of load.rest) {
      seen.push(batch.length);
      controller.abort();
    }
    expect(seen).toEqual([50]);
    expect(load.progress().done).toBe(false);

    server.route('/gone.m3u', {
      body: `#EXTM3U\n#EXTINF:1,Gone\n${server.url('/a/404.mp3')}\n#EXTINF:1,Here\n${server.url('/a/1.mp3')}\n`,
    });
    const skipping = await stack.resolver.resolvePlaylist(url(server.url('/gone.m3u')), { signal: signal() });
    expect(skipping.first.map((t) => t.title)).toEqual(['Here']);
    expect(skipping.progress()).toMatchObject({ added: 1, failed: 1, done: true });
  });

  it('single tracks come back as a one-track load', async () => {
    const stack = await testStack();
    const load = await stack.resolver.resolvePlaylist(url(server.url('/a/1.mp3')), { signal: signal() });
    expect(load).toMatchObject({ kind: 'track', title: '1' });
    expect(load.first).toHaveLength(1);
    expect(await collect(load.rest)).toEqual([]);
    expect(load.progress()).toEqual({ added: 1, duplicates: 0, failed: 0, overCap: 0, total: 1, done: true });
  });
});
