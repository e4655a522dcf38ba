import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  canonicalKeys,
  canonicalQueryKey,
  canonicalTrackKey,
  dedupePlaylist,
  youtubePlaylistId,
  youtubeVideoId,
} from '../../../src/core/dedup.js';
import { MAX_PLAYLIST } from '../../../src/core/limits.js';
import type { Track } from '../../../src/core/track.js';

const ID = 'dQw4w9WgXcQ';

describe('youtubeVideoId', () => {
  it.each([
    `https://www.youtube.com/watch?v=${ID}`,
    `https://youtube.com/watch?v=${ID}&t=42s&list=PLx&index=3`,
    `https://m.youtube.com/watch?feature=share&v=${ID}`,
    `https://music.youtube.com/watch?v=${ID}&si=abc`,
    `https://youtu.be/${ID}`,
    `https://youtu.be/${ID}?si=tracking&t=10`,
    `https://www.youtube.com/shorts/${ID}`,
    `https://youtube.com/shorts/${ID}?feature=share`,
    `https://www.youtube.com/embed/${ID}?autoplay=1`,
    `https://www.youtube-nocookie.com/embed/${ID}`,
    `https://www.youtube.com/live/${ID}`,
    `http://WWW.YOUTUBE.COM/watch?v=${ID}`,
    `youtu.be/${ID}`,
    `www.youtube.com/watch?v=${ID}`,
  ])('finds the id in %s', (url) => {
    expect(youtubeVideoId(url)).toBe(ID);
  });

  it.each([
    'https://www.youtube.com/watch?v=short',
    'https://www.youtube.com/watch?v=dQw4w9WgXcQQ', // 12 characters
    'https://www.youtube.com/playlist?list=PL123',
    'https://www.youtube.com/@channel',
    `https://notyoutube.com/watch?v=${ID}`,
    `https://youtube.com.evil.test/watch?v=${ID}`,
    `https://example.com/youtu.be/${ID}`,
    `ftp://youtu.be/${ID}`,
    'not a url at all',
    '',
  ])('rejects %s', (url) => {
    expect(youtubeVideoId(url)).toBeNull();
  });

  it('never throws on arbitrary input', () => {
    fc.assert(fc.property(fc.string(), (s) => youtubeVideoId(s) === null || youtubeVideoId(s)?.length === 11));
  });
});

describe('youtubePlaylistId', () => {
  it('reads list= from playlist and watch URLs only on YouTube hosts', () => {
    expect(youtubePlaylistId('https://www.youtube.com/playlist?list=PLrAXtmErZgOeiKm4sgNOknGvNjby9efdf')).toBe(
      'PLrAXtmErZgOeiKm4sgNOknGvNjby9efdf',
    );
    expect(youtubePlaylistId(`https://music.youtube.com/watch?v=${ID}&list=RDAMVM${ID}`)).toBe(`RDAMVM${ID}`);
    expect(youtubePlaylistId('https://example.com/playlist?list=PL1')).toBeNull();
    expect(youtubePlaylistId('https://www.youtube.com/playlist?list=<script>')).toBeNull();
  });
});

const t = (id: string, url = `https://example.com/${id}`): Track => ({
  id,
  url,
  source: 'http',
  title: id,
  durationMs: null,
});

describe('canonicalTrackKey', () => {
  it('collapses every YouTube spelling to youtube:<id>', () => {
    expect(canonicalTrackKey(t(`youtube:${ID}`))).toBe(`youtube:${ID}`);
    expect(canonicalTrackKey(t(`https://youtu.be/${ID}`, `https://youtu.be/${ID}`))).toBe(`youtube:${ID}`);
    expect(canonicalTrackKey(t('x', `https://music.youtube.com/watch?v=${ID}`))).toBe(`youtube:${ID}`);
  });

  it('falls back to Track.id', () => {
    expect(canonicalTrackKey(t('http:https://radio.test/live'))).toBe('http:https://radio.test/live');
  });
});

describe('canonicalQueryKey', () => {
  it('keys searches on normalised text', () => {
    expect(canonicalQueryKey({ kind: 'search', text: '  Never   Gonna\tGive ' })).toBe('search:never gonna give');
    expect(canonicalQueryKey({ kind: 'search', text: 'ＡＢＣ' })).toBe('search:abc');
  });

  it('keys YouTube videos and playlists by id, other URLs without fragment', () => {
    const url = (raw: string) => ({ kind: 'url' as const, url: new URL(raw), raw });
    expect(canonicalQueryKey(url(`https://youtu.be/${ID}?t=3`))).toBe(`youtube:${ID}`);
    expect(canonicalQueryKey(url(`https://www.youtube.com/watch?v=${ID}&list=PL1`))).toBe(`youtube:${ID}`);
    expect(canonicalQueryKey(url('https://www.youtube.com/playlist?list=PL12345'))).toBe('youtube:playlist:PL12345');
    expect(canonicalQueryKey(url('https://radio.test/stream.mp3?x=1#frag'))).toBe(
      'url:https://radio.test/stream.mp3?x=1',
    );
  });

  it("drops Discord's expiring signature from attachment keys", () => {
    const key = canonicalQueryKey({
      kind: 'attachment',
      url: new URL('https://cdn.discordapp.com/attachments/1/2/song.ogg?ex=65&is=64&hm=abc'),
      name: 'song.ogg',
      size: 10,
    });
    expect(key).toBe('attachment:https://cdn.discordapp.com/attachments/1/2/song.ogg');
  });
});

describe('dedupePlaylist', () => {
  it('drops repeats within the playlist, keeping first occurrences in order', () => {
    const tracks = [t('a'), t('b'), t('a'), t('c'), t('b')];
    const result = dedupePlaylist(tracks);
    expect(result.tracks.map((x) => x.id)).toEqual(['a', 'b', 'c']);
    expect(result).toMatchObject({ added: 3, duplicates: 2, overCap: 0 });
  });

  it('treats different spellings of one YouTube video as duplicates', () => {
    const tracks = [
      t('1', `https://www.youtube.com/watch?v=${ID}`),
      t('2', `https://youtu.be/${ID}?si=x`),
      t('3', `https://music.youtube.com/watch?v=${ID}`),
    ];
    expect(dedupePlaylist(tracks)).toMatchObject({ added: 1, duplicates: 2 });
  });

  it('drops tracks already queued', () => {
    const existing = canonicalKeys([t(`youtube:${ID}`), t('b')]);
    const result = dedupePlaylist([t('a', `https://youtu.be/${ID}`), t('b'), t('c')], { existingKeys: existing });
    expect(result.tracks.map((x) => x.id)).toEqual(['c']);
    expect(result.duplicates).toBe(2);
  });

  it('honours the cap exactly and reports the rest as overCap', () => {
    const tracks = Array.from({ length: 1_005 }, (_, i) => t(`t${i}`));
    const result = dedupePlaylist(tracks);
    expect(MAX_PLAYLIST).toBe(1000);
    expect(result).toMatchObject({ added: 1000, duplicates: 0, overCap: 5 });
    expect(result.tracks.at(-1)?.id).toBe('t999');
    expect(dedupePlaylist([t('a'), t('b')], { cap: 2 })).toMatchObject({ added: 2, overCap: 0 });
    expect(dedupePlaylist([t('a'), t('b')], { cap: 0 })).toMatchObject({ added: 0, overCap: 2 });
  });

  it('counts every input exactly once and never adds a key twice', () => {
    const arbTrack = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f').map((id) => t(id));
    fc.assert(
      fc.property(fc.array(arbTrack, { maxLength: 40 }), fc.integer({ min: 0, max: 10 }), (tracks, cap) => {
        const r = dedupePlaylist(tracks, { cap, existingKeys: new Set(['a']) });
        const keys = r.tracks.map(canonicalTrackKey);
        return (
          r.added + r.duplicates + r.overCap === tracks.length &&
          new Set(keys).size === keys.length &&
          r.added <= cap &&
          !keys.includes('a')
        );
      }),
    );
  });
});
