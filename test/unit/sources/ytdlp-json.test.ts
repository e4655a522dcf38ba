import { describe, expect, it } from 'vitest';
import {
  isPlaylistInfo,
  parseYtDlpJson,
  playlistFromInfo,
  searchResultsFromInfo,
  trackFromInfo,
} from '../../../src/sources/ytdlp/ytdlp-json.js';
import { YtDlpError } from '../../../src/sources/ytdlp/ytdlp-errors.js';
import { canonicalTrackKey } from '../../../src/core/dedup.js';
import { loadFixture } from './fake-ytdlp-helpers.js';

describe('parseYtDlpJson', () => {
  it('accepts one JSON object', () => {
    expect(parseYtDlpJson('{"id":"x"}\n')).toEqual({ id: 'x' });
  });

  it.each(['<html>nope</html>', '', '[1,2]', 'null', '{"truncated": '])('rejects %j as bad-output', (text) => {
    expect(() => parseYtDlpJson(text)).toThrow(YtDlpError);
    try {
      parseYtDlpJson(text);
    } catch (error) {
      expect((error as YtDlpError).kind).toBe('bad-output');
    }
  });
});

describe('trackFromInfo', () => {
  it('maps a full video: page URL (not the media URL), seconds → ms, channel as artist', () => {
    expect(trackFromInfo(loadFixture('video.json'))).toEqual({
      id: 'youtube:dQw4w9WgXcQ',
      source: 'youtube',
      title: 'Rick Astley - Never Gonna Give You Up (Official Music Video)',
      url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
      durationMs: 212_000,
      artist: 'Rick Astley',
      thumbnailUrl: 'https://i.ytimg.com/vi_webp/dQw4w9WgXcQ/maxresdefault.webp',
    });
  });

  it('maps YouTube Music: credited artist rather than the "- Topic" channel', () => {
    const track = trackFromInfo(loadFixture('music-video.json'));
    expect(track).toMatchObject({ id: 'youtube:lYBUbBu4W08', title: 'Never Gonna Give You Up', artist: 'Rick Astley' });
    expect(track?.url).toBe('https://www.youtube.com/watch?v=lYBUbBu4W08');
  });

  it('strips " - Topic" when only the channel is known', () => {
    const info = { ...loadFixture('music-video.json'), artist: undefined, artists: undefined, creator: undefined };
    expect(trackFromInfo(info)?.artist).toBe('Rick Astley');
  });

  it('maps a live stream with no duration', () => {
    expect(trackFromInfo(loadFixture('live.json'))).toMatchObject({
      id: 'youtube:jfKfPfyJRdk',
      durationMs: null,
      isLive: true,
    });
  });

  it('uses the canonical page URL as id for non-YouTube extractors', () => {
    const info = {
      id: '1234',
      title: 'Song',
      extractor_key: 'Soundcloud',
      webpage_url: 'https://soundcloud.com/a/song',
      duration: 10,
    };
    expect(trackFromInfo(info, 'soundcloud')).toMatchObject({
      id: 'https://soundcloud.com/a/song',
      source: 'soundcloud',
    });
  });

  it.each([
    ['null', null],
    ['a playlist', { _type: 'playlist', id: 'x', title: 'y' }],
    ['no id', { title: 'x' }],
    ['no title', { id: 'dQw4w9WgXcQ' }],
    ['a private placeholder', { _type: 'url', ie_key: 'Youtube', id: 'dQw4w9WgXcQ', title: '[Private video]' }],
    ['members-only', { id: 'dQw4w9WgXcQ', title: 'x', availability: 'subscriber_only' }],
    [
      'a nested channel/tab',
      { _type: 'url', ie_key: 'YoutubeTab', id: 'UCx', title: 'Channel', url: 'https://www.youtube.com/@x' },
    ],
    ['a non-YouTube item without a page URL', { id: '1', title: 'x', extractor_key: 'Generic' }],
  ])('returns null for %s', (_name, info) => {
    expect(trackFromInfo(info)).toBeNull();
  });

  it('rejects non-finite or non-positive durations as unknown', () => {
    const base = { id: 'dQw4w9WgXcQ', title: 't' };
    expect(trackFromInfo({ ...base, duration: 0 })?.durationMs).toBeNull();
    expect(trackFromInfo({ ...base, duration: '212' })?.durationMs).toBeNull();
    expect(trackFromInfo({ ...base, duration: 270.5 })?.durationMs).toBe(270_500);
  });
});

describe('playlistFromInfo', () => {
  it('maps flat entries in order, skipping placeholders and counting them', () => {
    const info = loadFixture('playlist-flat.json');
    expect(isPlaylistInfo(info)).toBe(true);
    const playlist = playlistFromInfo(info);
    expect(playlist.id).toBe('PLFgquLnL59alCl_2TQvOiD5Vgm1hCaGSI');
    expect(playlist.title).toBe('Classic Hits');
    expect(playlist.skipped).toBe(2);
    expect(playlist.tracks.map((t) => t.id)).toEqual([
      'youtube:fJ9rUzIMcZQ',
      'youtube:kJQP7kiw5Fk',
      'youtube:dQw4w9WgXcQ',
      'youtube:hTWKbfoikeg',
      'youtube:dQw4w9WgXcQ', // duplicates are the dedup step's business
      'youtube:OPf0YbXqDm0',
    ]);
    expect(playlist.tracks[0]).toMatchObject({
      durationMs: 359_000,
      artist: 'Queen Official',
      url: 'https://www.youtube.com/watch?v=fJ9rUzIMcZQ',
    });
    expect(playlist.tracks[0]?.thumbnailUrl).toContain(
      'hqdefault.jpg?sqp=-oaymwEcCNACELwBSFXyq4qpAw4IARUAAIhCGAFwAcABBg',
    );
  });

  it('produces ids that agree with canonicalTrackKey', () => {
    for (const track of playlistFromInfo(loadFixture('playlist-flat.json')).tracks) {
      expect(canonicalTrackKey(track)).toBe(track.id);
    }
  });

  it('copes with missing or odd entries', () => {
    expect(playlistFromInfo({ _type: 'playlist' })).toEqual({ id: null, title: 'Playlist', tracks: [], skipped: 0 });
    expect(playlistFromInfo({ entries: [null, 3, 'x'] }).skipped).toBe(3);
    expect(playlistFromInfo('garbage').tracks).toEqual([]);
  });
});

describe('searchResultsFromInfo', () => {
  it('maps ytsearch results, including live and shorts', () => {
    const tracks = searchResultsFromInfo(loadFixture('search.json'));
    expect(tracks).toHaveLength(5);
    expect(tracks[0]?.id).toBe('youtube:dQw4w9WgXcQ');
    expect(tracks[1]?.artist).toBe('Rick Astley');
    expect(tracks[2]).toMatchObject({ isLive: true, durationMs: null });
    expect(tracks[4]).toMatchObject({ id: 'youtube:LLFhKaqnWwk', url: 'https://www.youtube.com/shorts/LLFhKaqnWwk' });
  });
});
