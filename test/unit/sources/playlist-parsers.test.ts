import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  detectPlaylistFormat,
  parseM3u,
  parsePlaylist,
  parsePls,
  parseXspf,
  type PlaylistParseResult,
} from '../../../src/sources/http/playlist-parsers.js';

const BASE = 'https://radio.example.com/lists/station.m3u';

describe('parseM3u', () => {
  it('reads #EXTINF durations and titles, resolves relative URLs, skips comments, BOM and CRLF', () => {
    const text =
      '\uFEFF#EXTM3U\r\n' +
      '# a comment\r\n' +
      '#EXTINF:215,Rick Astley - Never Gonna Give You Up\r\n' +
      'songs/rick.mp3\r\n' +
      '\r\n' +
      '#EXTINF:-1 tvg-logo="http://x/a,b.png" group-title="News, Talk",Live News\r\n' +
      'https://stream.example.com/live.aac\r\n' +
      '/absolute/path.ogg\r\n';
    const result = parseM3u(text, { baseUrl: BASE });
    expect(result.reason).toBeUndefined();
    expect(result.entries).toEqual([
      {
        url: 'https://radio.example.com/lists/songs/rick.mp3',
        title: 'Rick Astley - Never Gonna Give You Up',
        durationMs: 215_000,
        isPlaylist: false,
      },
      { url: 'https://stream.example.com/live.aac', title: 'Live News', durationMs: null, isPlaylist: false },
      { url: 'https://radio.example.com/absolute/path.ogg', durationMs: null, isPlaylist: false },
    ]);
  });

  it('accepts a headerless list, bare CR line endings and fractional durations', () => {
    const result = parseM3u('#EXTINF:12.5,A\rhttps://a.test/1.mp3\rhttps://a.test/2.mp3');
    expect(result.entries.map((e) => [e.url, e.durationMs, e.title])).toEqual([
      ['https://a.test/1.mp3', 12_500, 'A'],
      ['https://a.test/2.mp3', null, undefined],
    ]);
  });

  it('an #EXTINF applies to the next location only', () => {
    const result = parseM3u('#EXTM3U\n#EXTINF:10,First\nhttps://a.test/1\nhttps://a.test/2\n');
    expect(result.entries[1]).toEqual({ url: 'https://a.test/2', durationMs: null, isPlaylist: false });
  });

  it('skips relative entries without a base, local paths and non-http schemes', () => {
    const text =
      '#EXTM3U\nsong.mp3\nC:\\Music\\a.mp3\nfile:///etc/passwd\njavascript:alert(1)\nftp://x.test/a.mp3\nhttps://ok.test/a.mp3\n';
    const result = parseM3u(text);
    expect(result.entries.map((e) => e.url)).toEqual(['https://ok.test/a.mp3']);
    expect(result.skipped).toBe(5);
  });

  it('stops at maxEntries and reports truncation (but not when exactly at the limit)', () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `https://a.test/${i}.mp3`).join('\n');
    const over = parseM3u(lines(5), { maxEntries: 3 });
    expect(over.entries).toHaveLength(3);
    expect(over.truncated).toBe(true);
    const exact = parseM3u(lines(3), { maxEntries: 3 });
    expect(exact.entries).toHaveLength(3);
    expect(exact.truncated).toBe(false);
  });

  it('flags nested playlists at depth 0 and drops them at depth 1; refuses depth 2', () => {
    const text = '#EXTM3U\nhttps://a.test/other.pls\nhttps://a.test/more.M3U8?x=1\nhttps://a.test/song.mp3\n';
    const top = parseM3u(text);
    expect(top.entries.map((e) => e.isPlaylist)).toEqual([true, true, false]);
    const nested = parseM3u(text, { depth: 1 });
    expect(nested.entries.map((e) => e.url)).toEqual(['https://a.test/song.mp3']);
    expect(nested.nestedDropped).toBe(2);
    expect(parseM3u(text, { depth: 2 })).toMatchObject({ entries: [], reason: 'too-deep' });
  });

  it('recognises HLS as a stream rather than a track list', () => {
    const hls = '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nseg1.ts\n';
    expect(parseM3u(hls, { baseUrl: BASE })).toMatchObject({ entries: [], reason: 'hls-stream' });
    const master = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=128000\nlow/index.m3u8\n';
    expect(parseM3u(master, { baseUrl: BASE }).reason).toBe('hls-stream');
  });

  it('does not mistake an HTML error page for a list of relative URLs', () => {
    const html = '<!doctype html>\n<html><body>404</body></html>\n';
    expect(parseM3u(html, { baseUrl: BASE })).toMatchObject({ entries: [], reason: 'unrecognised-format' });
    expect(parseM3u('#EXTM3U\n<a href="x">x</a>\n', { baseUrl: BASE })).toMatchObject({ entries: [], skipped: 1 });
  });
});

describe('parsePls', () => {
  it('reads FileN/TitleN/LengthN in index order, whatever the line order', () => {
    const text = [
      '[playlist]',
      'NumberOfEntries=3',
      'File2=http://b.test/stream',
      'Title2=Station B',
      'Length2=-1',
      'File1=https://a.test/song.mp3',
      'Title1=Song A',
      'Length1=180',
      'File10=relative.mp3',
      'Version=2',
    ].join('\r\n');
    const result = parsePls(text, { baseUrl: 'https://lists.test/dir/x.pls' });
    expect(result.entries).toEqual([
      { url: 'https://a.test/song.mp3', title: 'Song A', durationMs: 180_000, isPlaylist: false },
      { url: 'http://b.test/stream', title: 'Station B', durationMs: null, isPlaylist: false },
      { url: 'https://lists.test/dir/relative.mp3', durationMs: null, isPlaylist: false },
    ]);
  });

  it('is case-insensitive about keys and the header, and ignores titles without files', () => {
    const result = parsePls('\uFEFF[Playlist]\nfile1=https://a.test/1\nTITLE3=orphan\n');
    expect(result.entries).toEqual([{ url: 'https://a.test/1', durationMs: null, isPlaylist: false }]);
  });

  it('truncates at maxEntries', () => {
    const text = `[playlist]\n${Array.from({ length: 10 }, (_, i) => `File${i + 1}=https://a.test/${i}`).join('\n')}`;
    expect(parsePls(text, { maxEntries: 4 })).toMatchObject({ truncated: true });
    expect(parsePls(text, { maxEntries: 4 }).entries).toHaveLength(4);
  });

  it('needs the [playlist] header', () => {
    expect(parsePls('File1=https://a.test/1')).toMatchObject({ entries: [], reason: 'unrecognised-format' });
    expect(parsePls('[playlist]\nNumberOfEntries=0\n')).toMatchObject({ entries: [], reason: 'no-entries' });
  });
});

const XSPF = `<?xml version="1.0" encoding="UTF-8"?>
<!-- exported by a player; <track><location>https://evil.test/commented</location></track> -->
<playlist version="1" xmlns="http://xspf.org/ns/0/">
  <title>Mix</title>
  <trackList>
    <track>
      <location>https://a.test/one.ogg</location>
      <title>Rock &amp; Roll &#x2764; &#233;</title>
      <creator><![CDATA[AC/DC <live>]]></creator>
      <duration>241000</duration>
    </track>
    <track><location>file:///home/me/x.mp3</location><location>two.mp3</location><title/></track>
    <track>
      <title>No location</title>
    </track>
    <track><location>nested.xspf</location></track>
  </trackList>
</playlist>`;

describe('parseXspf', () => {
  it('reads location, title, creator and duration (ms); entities, CDATA and comments', () => {
    const result = parseXspf(XSPF, { baseUrl: 'https://lists.test/p/mix.xspf' });
    expect(result.entries).toEqual([
      {
        url: 'https://a.test/one.ogg',
        title: 'Rock & Roll ❤ é',
        artist: 'AC/DC <live>',
        durationMs: 241_000,
        isPlaylist: false,
      },
      { url: 'https://lists.test/p/two.mp3', durationMs: null, isPlaylist: false },
      { url: 'https://lists.test/p/nested.xspf', durationMs: null, isPlaylist: true },
    ]);
    expect(result.skipped).toBe(1);
  });

  it('does not treat <trackList> as a <track>, and survives an unclosed track', () => {
    const text =
      '<playlist><trackList><track><location>https://a.test/1</location></track><track><location>https://a.test/2';
    expect(parseXspf(text).entries.map((e) => e.url)).toEqual(['https://a.test/1']);
  });

  it('leaves unknown entities and out-of-range references alone (no custom entity expansion)', () => {
    const text =
      '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><playlist><trackList><track>' +
      '<location>https://a.test/1</location><title>&xxe; &#x110000; &#0;</title></track></trackList></playlist>';
    expect(parseXspf(text).entries[0]?.title).toBe('&xxe; &#x110000; &#0;');
  });

  it('needs <playlist> and <trackList>', () => {
    expect(parseXspf('<html><body/></html>')).toMatchObject({ entries: [], reason: 'unrecognised-format' });
  });

  it('scans a hostile file in linear time', () => {
    const hostile = `<playlist><trackList>${'<track><location>'.repeat(50_000)}${'<![CDATA['.repeat(50_000)}`;
    const started = performance.now();
    const result = parseXspf(hostile);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(result.entries).toEqual([]);
  });
});

describe('detectPlaylistFormat / parsePlaylist', () => {
  it('sniffs content first, then Content-Type, then extension', () => {
    expect(detectPlaylistFormat('#EXTM3U\n')).toBe('m3u');
    expect(detectPlaylistFormat('\uFEFF  [playlist]\n')).toBe('pls');
    expect(detectPlaylistFormat(XSPF)).toBe('xspf');
    expect(detectPlaylistFormat('x', { contentType: 'audio/x-scpls; charset=utf-8' })).toBe('pls');
    expect(detectPlaylistFormat('x', { contentType: 'application/vnd.apple.mpegurl' })).toBe('m3u');
    expect(detectPlaylistFormat('x', { url: 'https://a.test/list.XSPF?y=1' })).toBe('xspf');
    expect(detectPlaylistFormat('https://a.test/1.mp3\nhttps://a.test/2.mp3')).toBe('m3u');
    expect(detectPlaylistFormat('hello world')).toBeNull();
  });

  it('dispatches to the right parser', () => {
    expect(parsePlaylist('[playlist]\nFile1=https://a.test/1\n').format).toBe('pls');
    expect(parsePlaylist(XSPF, { baseUrl: 'https://lists.test/' }).entries).toHaveLength(3);
    expect(parsePlaylist('song.mp3\n', { baseUrl: 'https://a.test/x.m3u' }).entries[0]?.url).toBe(
      'https://a.test/song.mp3',
    );
  });

  it('returns an empty result with a reason for garbage', () => {
    expect(parsePlaylist('')).toMatchObject({ entries: [], reason: 'empty-input' });
    expect(parsePlaylist('   \n')).toMatchObject({ entries: [], reason: 'empty-input' });
    expect(parsePlaylist('\u0000\u0001ID3binary')).toMatchObject({ entries: [], reason: 'not-text' });
    expect(parsePlaylist('{"json": true}')).toMatchObject({ entries: [], reason: 'unrecognised-format' });
    expect(parsePlaylist(undefined as unknown as string)).toMatchObject({ entries: [], reason: 'not-text' });
  });

  const invariant = (r: PlaylistParseResult, max: number) =>
    r.entries.length <= max &&
    (r.entries.length === 0) === (r.reason !== undefined) &&
    r.entries.every((e) => /^https?:\/\//.test(e.url));

  it('never throws and keeps its invariants on arbitrary input', () => {
    const pieces = fc.constantFrom(
      '#EXTM3U',
      '#EXTINF:',
      ',',
      '"',
      '[playlist]',
      'File1=',
      'Length1=',
      '<playlist>',
      '<trackList>',
      '<track>',
      '</track>',
      '<location>',
      '</location>',
      '<![CDATA[',
      ']]>',
      '&#x',
      ';',
      'https://a.test/x',
      '../y.pls',
      '\r\n',
      '\n',
      '\uFEFF',
    );
    const text = fc.oneof(
      fc.string(),
      fc.array(fc.oneof(pieces, fc.string({ maxLength: 3 })), { maxLength: 60 }).map((a) => a.join('')),
    );
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 2 }), (t, max, depth) => {
        const opts = { baseUrl: BASE, maxEntries: max, depth };
        return [parsePlaylist(t, opts), parseM3u(t, opts), parsePls(t, opts), parseXspf(t, opts)].every((r) =>
          invariant(r, max),
        );
      }),
      { numRuns: 500 },
    );
  });
});
