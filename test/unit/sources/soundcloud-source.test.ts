import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeContainer } from '../../../src/media/probe.js';
import { systemClock } from '../../../src/ports/clock.js';
import { SongCache } from '../../../src/resolver/song-cache.js';
import { SoundCloudSource } from '../../../src/sources/ytdlp/soundcloud-source.js';
import { YtDlpClient } from '../../../src/sources/ytdlp/ytdlp-client.js';
import { FakeClock } from '../../support/fake-clock.js';
import { MemoryStore } from '../resolver/memory-store.js';
import { FAKE_YTDLP, fakeEnv, readArgsLog, tempDir } from './fake-ytdlp-helpers.js';
import { LoopbackServer, OGG_OPUS, drain, loopbackPolicy, signal } from './loopback-server.js';

let media: LoopbackServer;

beforeAll(async () => {
  media = await new LoopbackServer().start();
  const half = OGG_OPUS.length / 2;
  media.route('/sc/a.opus', { headers: { 'content-type': 'audio/ogg' }, body: OGG_OPUS.subarray(0, half) });
  media.route('/sc/b.opus', { headers: { 'content-type': 'audio/ogg' }, body: OGG_OPUS.subarray(half) });
  media.route('/sc/playlist.m3u8', {
    body: '#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\na.opus\n#EXTINF:3,\nb.opus\n#EXT-X-ENDLIST\n',
  });
});
afterAll(() => media.close());

function setup() {
  const log = join(tempDir(), 'args.log');
  const env = fakeEnv({ FAKE_YTDLP_ARGS_LOG: log, FAKE_YTDLP_MEDIA_URL: media.url('/sc/playlist.m3u8') });
  const client = new YtDlpClient({ binary: FAKE_YTDLP, clock: systemClock, env });
  const cache = new SongCache({ store: new MemoryStore(), clock: new FakeClock() });
  return {
    source: new SoundCloudSource({ client, cache, policy: loopbackPolicy(), timeoutMs: 5_000 }),
    runs: () => readArgsLog(log).length,
  };
}

const url = (href: string) => ({ kind: 'url' as const, url: new URL(href), raw: href });

describe('SoundCloudSource', () => {
  it('handles soundcloud.com links only', () => {
    const { source } = setup();
    expect(source.canHandle(url('https://soundcloud.com/forss/flickermood'))).toBe(true);
    expect(source.canHandle(url('https://on.soundcloud.com/abc123'))).toBe(true);
    expect(source.canHandle(url('https://soundcloud.com.evil.example/x'))).toBe(false);
    expect(source.canHandle({ kind: 'search', text: 'flickermood' })).toBe(false);
  });

  it('resolves a track and streams its HLS Opus as one Ogg stream, reusing the URL from resolving', async () => {
    const { source, runs } = setup();
    const resolution = await source.resolve(url('https://soundcloud.com/forss/flickermood?si=123'), signal());
    expect(resolution).toMatchObject({
      kind: 'track',
      track: {
        id: 'soundcloud:/forss/flickermood',
        source: 'soundcloud',
        title: 'Flickermood',
        artist: 'Forss',
        durationMs: 213_421,
      },
    });
    if (resolution.kind !== 'track') throw new Error('expected a track');
    const played = await source.stream(resolution.track, { startMs: 0, signal: signal() });
    const bytes = await drain(played.stream);
    expect(bytes).toEqual(OGG_OPUS);
    expect(probeContainer(bytes)).toBe('ogg-opus');
    expect(runs()).toBe(1);
  });

  it('resolves a set to a playlist of SoundCloud tracks', async () => {
    const { source } = setup();
    const resolution = await source.resolve(url('https://soundcloud.com/forss/sets/soulhack'), signal());
    expect(resolution.kind === 'playlist' && resolution.tracks.map((t) => [t.source, t.id])).toEqual([
      ['soundcloud', 'soundcloud:/forss/flickermood'],
      ['soundcloud', 'soundcloud:/forss/journeyman'],
      ['soundcloud', 'soundcloud:/forss/flickermood'],
      ['soundcloud', 'soundcloud:/forss/dont-know'],
    ]);
  });
});
