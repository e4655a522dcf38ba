import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUserError } from '../../../src/core/errors.js';
import { HlsPlaylistParser, parseHlsPlaylist, segmentUrl } from '../../../src/sources/http/hls-playlist.js';
import { openHls, reloadDelayMs } from '../../../src/sources/http/hls-reader.js';
import { LoopbackServer, drain, failure, loopbackPolicy, signal } from './loopback-server.js';

let server: LoopbackServer;
const seg = (n: number) => Buffer.from(`<segment ${n}>`);

beforeAll(async () => {
  server = await new LoopbackServer().start();
  for (let n = 0; n < 8; n++)
    server.route(`/hls/seg${n}.opus`, { headers: { 'content-type': 'audio/ogg' }, body: seg(n) });
  server.route('/hls/vod.m3u8', {
    body: '#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10,\nseg0.opus\n#EXTINF:10,\nseg1.opus\n#EXTINF:4.2,\nseg2.opus\n#EXT-X-ENDLIST\n',
  });
  server.route('/hls/master.m3u8', {
    body: [
      '#EXTM3U',
      '#EXT-X-STREAM-INF:BANDWIDTH=2000000,CODECS="avc1.4d401f,mp4a.40.2"',
      'video.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=64000,CODECS="mp4a.40.2"',
      'vod.m3u8',
    ].join('\n'),
  });
  server.route('/hls/locked.m3u8', {
    body: '#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI="k"\n#EXTINF:10,\nseg0.opus\n#EXT-X-ENDLIST\n',
  });
  server.route('/hls/escape.m3u8', { body: '#EXTM3U\n#EXTINF:10,\nhttp://127.0.0.2:9/secret.ts\n#EXT-X-ENDLIST\n' });
});
afterAll(() => server.close());

const options = () => ({ policy: loopbackPolicy(), signal: signal(), timeoutMs: 2_000 });

describe('parseHlsPlaylist', () => {
  it('reads sequence numbers, the init section, and whether the list ended', () => {
    const text =
      '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:17\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:4,\na.m4s\n#EXTINF:4,\nb.m4s\n';
    const parsed = parseHlsPlaylist(text, new URL('https://cdn.example/live/index.m3u8'));
    expect(parsed).toMatchObject({ kind: 'media', ended: false, targetMs: 4_000 });
    if (parsed.kind !== 'media') throw new Error('expected media');
    expect(parsed.init?.href).toBe('https://cdn.example/live/init.mp4');
    expect(parsed.segments.map((s) => [s.seq, segmentUrl(s, parsed)?.pathname])).toEqual([
      [17, '/live/a.m4s'],
      [18, '/live/b.m4s'],
    ]);
  });

  it('prefers audio renditions, then audio-only variants, then the lowest bandwidth', () => {
    const text =
      '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=900000,CODECS="avc1.1,mp4a.40.2"\nhi.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=300000,CODECS="avc1.1,mp4a.40.2"\nlo.m3u8\n';
    const parsed = parseHlsPlaylist(text, new URL('https://cdn.example/m.m3u8'));
    expect(parsed.kind === 'master' && parsed.choices.map((u) => u.pathname)).toEqual(['/lo.m3u8', '/hi.m3u8']);
    const withAudio = `${text}#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",URI="audio.m3u8"\n`;
    const audio = parseHlsPlaylist(withAudio, new URL('https://cdn.example/m.m3u8'));
    expect(audio.kind === 'master' && audio.choices[0]?.pathname).toBe('/audio.m3u8');
  });

  it('reads the same playlist however its text is split into pieces (CRLF and BOM included)', () => {
    const text =
      '\ufeff#EXTM3U\r\n#EXT-X-TARGETDURATION:4\r\n#EXT-X-MEDIA-SEQUENCE:5\r\n#EXTINF:4,\r\na.m4s\r\n#EXTINF:4,\nb.m4s\n#EXT-X-ENDLIST';
    const base = new URL('https://cdn.example/v/index.m3u8');
    const whole = parseHlsPlaylist(text, base);
    for (let size = 1; size <= text.length; size++) {
      const parser = new HlsPlaylistParser();
      for (let at = 0; at < text.length; at += size) parser.push(text.slice(at, at + size));
      expect(parser.finish(base), `pieces of ${size}`).toEqual(whole);
    }
    expect(whole.kind === 'media' && whole.segments.map((s) => [s.seq, s.uri])).toEqual([
      [5, 'a.m4s'],
      [6, 'b.m4s'],
    ]);
  });

  it('treats a line longer than the limit as a comment, even when it arrives in many pieces', () => {
    const parser = new HlsPlaylistParser();
    parser.push('#EXTM3U\n#EXT-X-ENDLIST\n');
    for (let i = 0; i < 100; i++) parser.push('x'.repeat(1000));
    parser.push('\nok.ts\n');
    const parsed = parser.finish(new URL('https://x/'));
    expect(parsed.kind === 'media' && parsed.segments.map((s) => s.uri)).toEqual(['ok.ts']);
  });

  it('refuses byte-range playlists and non-playlists', () => {
    expect(() => parseHlsPlaylist('<html>', new URL('https://x/'))).toThrow();
    expect(() => parseHlsPlaylist('#EXTM3U\n#EXT-X-BYTERANGE:100@0\na.ts\n', new URL('https://x/'))).toThrow(
      /byte ranges/,
    );
  });
});

describe('openHls', () => {
  it('concatenates the segments of a finished playlist in order', async () => {
    const media = await openHls(new URL(server.url('/hls/vod.m3u8')), options());
    expect(media.contentType).toBe('audio/ogg');
    expect((await drain(media.stream)).toString()).toBe('<segment 0><segment 1><segment 2>');
  });

  it('follows a master playlist to the audio-only variant', async () => {
    const media = await openHls(new URL(server.url('/hls/master.m3u8')), options());
    expect((await drain(media.stream)).toString()).toBe('<segment 0><segment 1><segment 2>');
    expect(server.hits('/hls/video.m3u8')).toBe(0);
  });

  it('follows a live playlist as it grows, starting near the live edge, until it ends', async () => {
    let reloads = 0;
    server.route('/hls/live.m3u8', (_req, res) => {
      const first = Math.min(reloads, 3);
      const last = Math.min(3 + reloads, 7);
      reloads++;
      const lines = ['#EXTM3U', '#EXT-X-TARGETDURATION:1', `#EXT-X-MEDIA-SEQUENCE:${first}`];
      for (let n = first; n <= last; n++) lines.push('#EXTINF:1,', `seg${n}.opus`);
      if (last === 7) lines.push('#EXT-X-ENDLIST');
      res.end(lines.join('\n'));
    });
    const media = await openHls(new URL(server.url('/hls/live.m3u8')), { ...options(), liveEdgeSegments: 2 });
    const text = (await drain(media.stream)).toString();
    expect(text).toBe([2, 3, 4, 5, 6, 7].map((n) => `<segment ${n}>`).join(''));
    expect(reloads).toBeGreaterThan(1);
  });

  it('refuses encrypted streams and segments on private addresses', async () => {
    const locked = await failure(openHls(new URL(server.url('/hls/locked.m3u8')), options()));
    expect(isUserError(locked) && locked.message).toMatch(/encrypted/);
    const escaped = await failure(openHls(new URL(server.url('/hls/escape.m3u8')), options()));
    expect(isUserError(escaped) && escaped.code).toBe('PRIVATE_ADDRESS');
  });

  it('stops fetching when the stream is destroyed', async () => {
    server.route('/hls/endless.m3u8', (_req, res) =>
      res.end('#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nseg0.opus\n'),
    );
    const before = server.hits('/hls/endless.m3u8');
    const media = await openHls(new URL(server.url('/hls/endless.m3u8')), options());
    media.stream.destroy();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(server.hits('/hls/endless.m3u8') - before).toBeLessThanOrEqual(2);
  });
});

describe('live reload pacing', () => {
  it('reloads every half target duration, but parses at most 128 KiB of playlist per second', () => {
    expect(reloadDelayMs({ targetMs: 6_000, textLength: 4_000 })).toBe(3_000); // a real live list
    expect(reloadDelayMs({ targetMs: 6_000, textLength: 200_000 })).toBe(3_000); // a long DVR window
    expect(reloadDelayMs({ targetMs: 200, textLength: 100 })).toBe(500); // never faster than twice a second
    expect(reloadDelayMs({ targetMs: 1_000, textLength: 2 * 1024 * 1024 })).toBe(16_000); // the hostile 2 MiB list
  });
});
