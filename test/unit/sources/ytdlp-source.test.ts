import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUserError } from '../../../src/core/errors.js';
import { systemClock } from '../../../src/ports/clock.js';
import { SongCache } from '../../../src/resolver/song-cache.js';
import { YtDlpClient } from '../../../src/sources/ytdlp/ytdlp-client.js';
import { YtDlpSource } from '../../../src/sources/ytdlp/ytdlp-source.js';
import type { PagedPlaylist } from '../../../src/ports/source.js';
import { FakeClock } from '../../support/fake-clock.js';
import { MemoryStore } from '../resolver/memory-store.js';
import { FAKE_YTDLP, fakeEnv, readArgsLog, tempDir } from './fake-ytdlp-helpers.js';
import { LoopbackServer, WEBM_OPUS, drain, failure, loopbackPolicy, signal } from './loopback-server.js';

let media: LoopbackServer;

beforeAll(async () => {
  media = await new LoopbackServer().start();
  media.route('/videoplayback', { headers: { 'content-type': 'audio/webm' }, body: WEBM_OPUS });
  media.route('/expired', { status: 403, body: 'expired' });
  media.route('/gone', { status: 410 });
  media.route('/live/index.m3u8', {
    body: '#EXTM3U\n#EXT-X-TARGETDURATION:5\n#EXT-X-MEDIA-SEQUENCE:7\n#EXTINF:5.0,\nseg7.ts\n#EXTINF:5.0,\nseg8.ts\n#EXT-X-ENDLIST\n',
  });
  media.route('/live/seg7.ts', { headers: { 'content-type': 'video/mp2t' }, body: Buffer.alloc(188, 0x47) });
  media.route('/live/seg8.ts', { headers: { 'content-type': 'video/mp2t' }, body: Buffer.alloc(188, 0x48) });
});
afterAll(() => media.close());

/** A source over the fake yt-dlp whose googlevideo URLs point at `mediaPath` on the loopback server. */
function setup(mediaPath = '/videoplayback', extra: Record<string, string> = {}) {
  const log = join(tempDir(), 'args.log');
  const clock = new FakeClock(); // the fixtures' URLs expire at 1_700_021_600 s: fresh for this clock
  const cache = new SongCache({ store: new MemoryStore(), clock });
  const env = fakeEnv({ FAKE_YTDLP_ARGS_LOG: log, FAKE_YTDLP_MEDIA_URL: media.url(mediaPath), ...extra });
  const client = new YtDlpClient({ binary: FAKE_YTDLP, clock: systemClock, env });
  const source = new YtDlpSource({ client, cache, policy: loopbackPolicy(), timeoutMs: 5_000, search: true });
  const runs = () => {
    try {
      return readArgsLog(log).length;
    } catch {
      return 0;
    }
  };
  return { source, cache, runs };
}

const url = (href: string) => ({ kind: 'url' as const, url: new URL(href), raw: href });

describe('YtDlpSource', () => {
  it('resolves a video and plays it from the URL cached while resolving (one yt-dlp run)', async () => {
    const { source, runs, cache } = setup();
    const resolution = await source.resolve(url('https://youtu.be/dQw4w9WgXcQ?t=42'), signal());
    expect(resolution).toMatchObject({
      kind: 'track',
      track: { id: 'youtube:dQw4w9WgXcQ', source: 'youtube', durationMs: 212_000 },
    });
    const track = resolution.kind === 'track' ? resolution.track : undefined;
    const before = media.hits('/videoplayback');
    const played = await source.stream(track!, { startMs: 0, signal: signal() });
    expect(await drain(played.stream)).toEqual(WEBM_OPUS);
    expect(played.contentType).toBe('audio/webm');
    expect(runs()).toBe(1);
    expect(cache.stats().streamHits).toBe(1);
    const request = media.requests.filter((r) => r.path === '/videoplayback')[before];
    expect(request?.headers['user-agent']).toMatch(/Chrome\/130/); // yt-dlp's http_headers were sent
  });

  it('refreshes a cached stream URL the origin refuses (403), once', async () => {
    const { source, cache, runs } = setup('/videoplayback');
    const track = {
      id: 'youtube:dQw4w9WgXcQ',
      source: 'youtube' as const,
      title: 'x',
      url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
      durationMs: 1,
    };
    await cache.setStreamUrl(track.id, { url: `${media.url('/expired')}?expire=1700021600`, container: 'webm' });
    const played = await source.stream(track, { startMs: 0, signal: signal() });
    expect(await drain(played.stream)).toEqual(WEBM_OPUS);
    expect(runs()).toBe(1);
    expect((await cache.getStreamUrl(track.id))?.url).toContain('/videoplayback');
  });

  it('reports a freshly signed URL YouTube refuses as YOUTUBE_MEDIA_FORBIDDEN, without looping', async () => {
    const { source, runs } = setup('/gone');
    const track = {
      id: 'youtube:dQw4w9WgXcQ',
      source: 'youtube' as const,
      title: 'x',
      url: 'https://youtu.be/dQw4w9WgXcQ',
      durationMs: 1,
    };
    const error = await failure(source.stream(track, { startMs: 0, signal: signal() }));
    expect(isUserError(error) && error.code).toBe('YOUTUBE_MEDIA_FORBIDDEN');
    expect(String((error as Error).message)).toMatch(/YouTube refused/);
    expect(runs()).toBe(1);
  });

  it('resolves a playlist flat, counting private and deleted entries as skipped', async () => {
    const { source } = setup();
    const list = (await source.resolve(
      url('https://www.youtube.com/playlist?list=PLFgquLnL59alCl_2TQvOiD5Vgm1hCaGSI'),
      signal(),
    )) as PagedPlaylist;
    expect(list.kind).toBe('playlist');
    expect(list.title).toBe('Classic Hits');
    expect(list.tracks).toHaveLength(6);
    expect(list.skipped).toBe(2);
  });

  it('plays live streams from their HLS playlist', async () => {
    const { source } = setup('/live/index.m3u8');
    const resolution = await source.resolve(url('https://www.youtube.com/live/jfKfPfyJRdk'), signal());
    expect(resolution).toMatchObject({ kind: 'track', track: { isLive: true, durationMs: null } });
    const track = resolution.kind === 'track' ? resolution.track : undefined;
    const played = await source.stream(track!, { startMs: 0, signal: signal() });
    expect(played.contentType).toBe('video/mp2t');
    expect(await drain(played.stream)).toEqual(Buffer.concat([Buffer.alloc(188, 0x47), Buffer.alloc(188, 0x48)]));
  });

  it('resolves YouTube Music links with the credited artist', async () => {
    const { source } = setup();
    const resolution = await source.resolve(url('https://music.youtube.com/watch?v=lYBUbBu4W08&si=abc'), signal());
    expect(resolution).toMatchObject({
      kind: 'track',
      track: { artist: 'Rick Astley', title: 'Never Gonna Give You Up' },
    });
  });

  it('answers a search with the first result', async () => {
    const { source } = setup();
    const resolution = await source.resolve({ kind: 'search', text: 'never gonna give you up' }, signal());
    expect(resolution).toMatchObject({ kind: 'track', track: { id: 'youtube:dQw4w9WgXcQ' } });
    expect(source.canHandle({ kind: 'search', text: 'x' })).toBe(true);
    expect(source.canHandle(url('https://example.com/a.mp3'))).toBe(false);
  });

  it('tells users what to install when yt-dlp is missing', async () => {
    const cache = new SongCache({ store: new MemoryStore(), clock: new FakeClock() });
    const missing = new YtDlpSource({ client: null, cache, policy: loopbackPolicy(), timeoutMs: 1_000 });
    const broken = new YtDlpSource({
      client: new YtDlpClient({ binary: '/nonexistent/yt-dlp', clock: systemClock }),
      cache,
      policy: loopbackPolicy(),
      timeoutMs: 1_000,
    });
    for (const source of [missing, broken]) {
      const error = await failure(source.resolve(url('https://youtu.be/dQw4w9WgXcQ'), signal()));
      expect(isUserError(error) && error.message).toMatch(/install yt-dlp/);
    }
  });

  it('reports unavailable videos as a user error', async () => {
    const { source } = setup();
    const error = await failure(source.resolve(url('https://www.youtube.com/watch?v=aaaaaaaaaaa'), signal()));
    expect(isUserError(error) && error.code).toBe('YOUTUBE_REMOVED');
  });
});
