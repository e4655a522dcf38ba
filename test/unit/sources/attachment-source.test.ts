import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUserError } from '../../../src/core/errors.js';
import { systemClock } from '../../../src/ports/clock.js';
import type { Query } from '../../../src/ports/source.js';
import { AttachmentSource } from '../../../src/sources/http/attachment-source.js';
import { HttpSource } from '../../../src/sources/http/http-source.js';
import { PlaylistFileSource } from '../../../src/sources/http/playlist-file-source.js';
import { LoopbackServer, MP3, OGG_OPUS, drain, failure, loopbackPolicy, signal } from './loopback-server.js';

let server: LoopbackServer;

beforeAll(async () => {
  server = await new LoopbackServer().start();
  server
    .route('/attachments/1/2/My_Song.mp3', { headers: { 'content-type': 'audio/mpeg' }, body: MP3 })
    .route('/attachments/1/3/clip.webm', { headers: { 'content-type': 'video/webm' }, body: '<html>not media</html>' })
    .route('/attachments/1/4/set.m3u', {
      headers: { 'content-type': 'application/octet-stream' },
      body: `#EXTM3U\n#EXTINF:3,A\n/music/a.ogg\n#EXTINF:4,B\n/music/b.ogg\n`,
    })
    .route('/music/a.ogg', { headers: { 'content-type': 'audio/ogg' }, body: OGG_OPUS });
});
afterAll(() => server.close());

function setup(hosts = ['127.0.0.1']) {
  const policy = loopbackPolicy();
  const http = new HttpSource({ policy, clock: systemClock, timeoutMs: 2_000, maxBytes: 1_000_000 });
  const playlists = new PlaylistFileSource({ policy, timeoutMs: 2_000, http });
  return new AttachmentSource({ http, playlists, policy, timeoutMs: 2_000, maxBytes: 1_000_000, hosts });
}

const attachment = (path: string, name: string, size: number, contentType?: string): Query => ({
  kind: 'attachment',
  url: new URL(`${server.url(path)}?ex=6650a1b2&is=664f5032&hm=abcdef`),
  name,
  size,
  ...(contentType ? { contentType } : {}),
});

describe('AttachmentSource', () => {
  it('plays an audio attachment, titled by its file name, from the response opened while resolving', async () => {
    const source = setup();
    const query = attachment('/attachments/1/2/My_Song.mp3', 'My_Song.mp3', MP3.length, 'audio/mpeg');
    expect(source.canHandle(query)).toBe(true);
    const resolution = await source.resolve(query, signal());
    expect(resolution).toMatchObject({
      kind: 'track',
      track: { source: 'attachment', title: 'My Song', id: `attachment:${server.base}/attachments/1/2/My_Song.mp3` },
    });
    if (resolution.kind !== 'track') throw new Error('expected a track');
    const played = await source.stream(resolution.track, { startMs: 0, signal: signal() });
    expect(await drain(played.stream)).toEqual(MP3);
    expect(server.hits('/attachments/1/2/My_Song.mp3')).toBe(1);
  });

  it('refuses oversized and plainly non-media attachments without downloading them', async () => {
    const source = setup();
    const big = await failure(
      source.resolve(attachment('/attachments/1/2/My_Song.mp3', 'huge.mp3', 5_000_000, 'audio/mpeg'), signal()),
    );
    expect(isUserError(big) && big.code).toBe('MEDIA_TOO_LARGE');
    const image = await failure(
      source.resolve(attachment('/attachments/1/2/My_Song.mp3', 'cat.png', 100, 'image/png'), signal()),
    );
    expect(isUserError(image) && image.code).toBe('NOT_AUDIO');
    expect(server.hits('/attachments/1/2/My_Song.mp3')).toBe(1); // only the previous test's request
  });

  it('sniffs the bytes: a mislabelled attachment is refused', async () => {
    const error = await failure(
      setup().resolve(attachment('/attachments/1/3/clip.webm', 'clip.webm', 100, 'video/webm'), signal()),
    );
    expect(isUserError(error) && error.code).toBe('NOT_AUDIO');
  });

  it('expands playlist attachments, resolving entries against the attachment URL', async () => {
    const resolution = await setup().resolve(attachment('/attachments/1/4/set.m3u', 'set.m3u', 60), signal());
    expect(resolution).toMatchObject({ kind: 'playlist', title: 'set' });
    expect(resolution.kind === 'playlist' && resolution.tracks.map((t) => t.url)).toEqual([
      server.url('/music/a.ogg'),
      server.url('/music/b.ogg'),
    ]);
  });

  it("only accepts files hosted by Discord (or an allowed host:port, as the offline Discord's CDN)", async () => {
    const error = await failure(
      setup(['cdn.discordapp.com']).resolve(attachment('/attachments/1/2/My_Song.mp3', 'a.mp3', 10), signal()),
    );
    expect(isUserError(error) && error.message).toMatch(/isn't hosted by Discord/);
    const otherPort = await failure(
      setup(['127.0.0.1:1']).resolve(attachment('/attachments/1/2/My_Song.mp3', 'a.mp3', 10), signal()),
    );
    expect(isUserError(otherPort) && otherPort.message).toMatch(/isn't hosted by Discord/);
    const hostPort = new URL(server.base).host;
    const ok = await setup([hostPort]).resolve(
      attachment('/attachments/1/2/My_Song.mp3', 'a.mp3', MP3.length, 'audio/mpeg'),
      signal(),
    );
    expect(ok.kind).toBe('track');
  });
});
