import { describe, expect, it } from 'vitest';
import { pickAudioFormat } from '../../../src/sources/ytdlp/ytdlp-format.js';
import { loadFixture } from './fake-ytdlp-helpers.js';

const EXPIRES_AT = 1_700_021_600_000;

describe('pickAudioFormat', () => {
  it('takes the format yt-dlp chose (top level): Opus in WebM, passthrough-ready, with headers and expiry', () => {
    const format = pickAudioFormat(loadFixture('video.json'));
    expect(format).toMatchObject({
      formatId: '251',
      acodec: 'opus',
      ext: 'webm',
      container: 'webm',
      protocol: 'https',
      abrKbps: 135.172,
      filesizeBytes: 3_437_753,
      expiresAt: EXPIRES_AT,
      opusPassthrough: true,
    });
    expect(format?.url).toMatch(
      /^https:\/\/rr2---sn-4g5lzned\.googlevideo\.com\/videoplayback\?expire=1700021600&.*itag=251/,
    );
    expect(format?.httpHeaders['User-Agent']).toContain('Mozilla/5.0');
  });

  it('reports AAC in MP4 (YouTube Music without Opus) as needing a transcode', () => {
    expect(pickAudioFormat(loadFixture('music-video.json'))).toMatchObject({
      formatId: '140',
      acodec: 'mp4a.40.2',
      container: 'mp4',
      opusPassthrough: false,
    });
  });

  it('finds the audio part of a merged video+audio selection', () => {
    expect(pickAudioFormat(loadFixture('video-merged.json'))).toMatchObject({ formatId: '251', opusPassthrough: true });
  });

  it('marks HLS (live) formats with the hls container and reads the path-style expiry', () => {
    expect(pickAudioFormat(loadFixture('live.json'))).toMatchObject({
      formatId: '234',
      container: 'hls',
      protocol: 'm3u8_native',
      opusPassthrough: false,
      expiresAt: EXPIRES_AT,
    });
  });

  it('ranks formats[] itself when nothing was chosen: passthrough Opus, then bitrate; skips DRM and video', () => {
    const info = loadFixture('video.json');
    for (const key of ['url', 'format_id', 'acodec', 'vcodec', 'ext', 'protocol']) delete info[key];
    expect(pickAudioFormat(info)?.formatId).toBe('251');
    const formats = (info['formats'] as Record<string, unknown>[]).map((f) =>
      f['format_id'] === '251' ? { ...f, has_drm: true } : f,
    );
    expect(pickAudioFormat({ ...info, formats })?.formatId).toBe('250');
    const noOpus = formats.filter((f) => f['acodec'] !== 'opus');
    expect(pickAudioFormat({ ...info, formats: noOpus })?.formatId).toBe('140');
  });

  it('returns null when nothing is playable', () => {
    expect(pickAudioFormat(null)).toBeNull();
    expect(
      pickAudioFormat({
        formats: [{ format_id: 'sb0', acodec: 'none', vcodec: 'none', url: 'https://i.ytimg.com/sb' }],
      }),
    ).toBeNull();
    expect(
      pickAudioFormat({ formats: [{ format_id: '251', acodec: 'opus', vcodec: 'none', url: 'file:///etc/passwd' }] }),
    ).toBeNull();
    expect(pickAudioFormat({ formats: 'nope' })).toBeNull();
  });

  it('falls back to the info-level headers and ignores non-string header values', () => {
    const info = {
      url: 'https://cdn.test/a.ogg',
      format_id: 'x',
      acodec: 'opus',
      vcodec: 'none',
      ext: 'ogg',
      http_headers: { 'User-Agent': 'UA', Bad: 42 },
    };
    expect(pickAudioFormat(info)).toMatchObject({
      container: 'ogg',
      opusPassthrough: true,
      httpHeaders: { 'User-Agent': 'UA' },
      expiresAt: null,
    });
  });
});
