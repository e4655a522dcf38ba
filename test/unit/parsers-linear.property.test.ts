import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ebmlDurationMs } from '../../src/media/duration-ebml.js';
import { flacDurationMs } from '../../src/media/duration-flac.js';
import { mp4DurationMs } from '../../src/media/duration-mp4.js';
import { mp3DurationMs } from '../../src/media/duration-mpeg.js';
import { oggDurationFromTail } from '../../src/media/duration-ogg.js';
import { wavDurationMs } from '../../src/media/duration-wav.js';
import { parseHlsPlaylist } from '../../src/sources/http/hls-playlist.js';
import { parseM3u, parsePls, parsePlaylist, parseXspf } from '../../src/sources/http/playlist-parsers.js';
import { parseYtDlpJson, playlistFromInfo } from '../../src/sources/ytdlp/ytdlp-json.js';

/**
 * Every parser of untrusted bytes costs time and memory linear in its input (issue 10): fed random and
 * adversarial text (fragments that made the old parsers quadratic or unbounded, repeated), a 4× larger input
 * may cost at most ~4× (allowing 3× more for noise: ratio < 12) in time (best of several runs, so a busy
 * machine's pauses do not count) and in retained output. Never absolute timings.
 */
const BASE = new URL('http://example.com/list/');
const TIME_RATIO = 12;
const SIZE_RATIO = 6;

/** Best of `runs` wall times of `fn()` (ms), and the size of what it returned (JSON length). */
function cost(fn: () => unknown, runs = 3): { ms: number; retained: number } {
  let best = Infinity;
  let retained = 0;
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    const out = fn();
    best = Math.min(best, performance.now() - start);
    retained = JSON.stringify(out ?? null, (_k, v: unknown) => (v instanceof URL ? v.href : v))?.length ?? 0;
  }
  return { ms: best, retained };
}

/**
 * `unit` repeated to about `bytes` characters, after `head`. Memoised (cleared per comparison), so that only
 * the first of the timed runs pays for building the input and the best-of-runs time is the parser's alone.
 */
const built = new Map<string, string>();
const fill = (head: string, unit: string, bytes: number): string => {
  const key = `${bytes}\u0000${head}\u0000${unit}`;
  const cached = built.get(key);
  if (cached !== undefined) return cached;
  const text = head + unit.repeat(Math.max(1, Math.ceil(bytes / Math.max(1, unit.length))));
  built.set(key, text);
  return text;
};
const binary = new Map<string, Uint8Array>();
const bytesOf = (text: string): Uint8Array => {
  const cached = binary.get(text);
  if (cached !== undefined) return cached;
  const bytes = new Uint8Array(Buffer.from(text, 'latin1'));
  binary.set(text, bytes);
  return bytes;
};

function expectLinear(label: string, run: (bytes: number) => unknown, bytes = 120_000): void {
  built.clear();
  binary.clear();
  run(bytes / 4); // warm up the JIT
  const small = cost(() => run(bytes));
  const large = cost(() => run(bytes * 4));
  // Below a few ms the ratio is timer noise: compare against a floor.
  const ratio = large.ms / Math.max(small.ms, 10);
  expect(ratio, `${label}: time for 4× the input (${small.ms.toFixed(1)} → ${large.ms.toFixed(1)} ms)`).toBeLessThan(
    TIME_RATIO,
  );
  expect(large.retained, `${label}: retained output for 4× the input`).toBeLessThanOrEqual(
    Math.max(small.retained * SIZE_RATIO, 4096),
  );
}

const swallow = (fn: () => unknown) => (): unknown => {
  try {
    return fn();
  } catch {
    return null;
  }
};

/** Fragments that stress the text parsers (tags, quotes, separators, markup, entities, CDATA, slots). */
const TOKENS = [
  '#EXTM3U',
  '#EXT-X-STREAM-INF:BANDWIDTH=1000',
  '#EXT-X-MEDIA:TYPE=AUDIO,URI="a.m3u8"',
  '#EXTINF:10,',
  '#EXTINF:"',
  'a',
  'v.m3u8',
  'http://example.com/x.mp3',
  '"',
  ',',
  '=',
  '\r',
  '\n',
  '\r\n',
  ' ',
  '[playlist]',
  'File1=',
  'Title99=',
  'Length1=-1',
  '<track>',
  '</track>',
  '<location>',
  '</location>',
  '<creator>',
  '<![CDATA[',
  ']]>',
  '<!--',
  '-->',
  '&amp;',
  '&#x41;',
  '<playlist>',
  '<trackList>',
  '#EXT-X-ENDLIST',
  '#EXT-X-MEDIA-SEQUENCE:9',
  '#EXT-X-MAP:URI="i.mp4"',
  '{',
  '}',
  '[',
  ']',
  ':',
];
const unitArb = fc
  .array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 })), { minLength: 1, maxLength: 24 })
  .map((parts) => parts.join(''));

describe('text parsers of untrusted bytes stay linear', () => {
  it('adversarial HLS: 1 variant line per 2 lines (the old quadratic master scan), and one-byte segments', () => {
    expectLinear('HLS master', (n) =>
      parseHlsPlaylist(fill('#EXTM3U\n', '#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n', n), BASE),
    );
    expectLinear('HLS live media', (n) => parseHlsPlaylist(fill('#EXTM3U\n#EXT-X-TARGETDURATION:2\n', 'a\n', n), BASE));
    expectLinear('HLS VOD media', (n) => parseHlsPlaylist(`${fill('#EXTM3U\n', 'a\n', n)}#EXT-X-ENDLIST\n`, BASE));
    expectLinear('HLS one long line', (n) =>
      swallow(() => parseHlsPlaylist(`${fill('#EXTM3U\n#EXT-X-STREAM-INF:', 'A=', n)}\nv.m3u8\n`, BASE))(),
    );
  });

  it('a live HLS list keeps only its edge, a VOD list a bounded head, a master a bounded choice list', () => {
    const live = parseHlsPlaylist(fill('#EXTM3U\n', 'a\n', 2_000_000), BASE);
    expect(live.kind === 'media' && live.segments.length).toBeLessThanOrEqual(32);
    const vod = parseHlsPlaylist(`${fill('#EXTM3U\n', 'a\n', 2_000_000)}#EXT-X-ENDLIST\n`, BASE);
    expect(vod.kind === 'media' && vod.segments.length).toBeLessThanOrEqual(25_000);
    const master = parseHlsPlaylist(fill('#EXTM3U\n', '#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n', 2_000_000), BASE);
    expect(master.kind === 'master' && master.choices.length).toBeLessThanOrEqual(64);
  });

  it('adversarial M3U, PLS and XSPF (long entries, unterminated tags, nested quotes)', () => {
    expectLinear('M3U entries', (n) =>
      parseM3u(fill('#EXTM3U\n', '#EXTINF:10,T\nhttp://e.com/a.mp3\n', n), { baseUrl: BASE }),
    );
    expectLinear('M3U one long EXTINF', (n) => parseM3u(`${fill('#EXTM3U\n#EXTINF:', '"', n)}\nhttp://e.com/a.mp3\n`));
    expectLinear('M3U one long URL', (n) => parseM3u(fill('#EXTM3U\nhttp://e.com/', 'a', n)));
    expectLinear('PLS slots', (n) => parsePls(fill('[playlist]\n', 'File1=http://e.com/a.mp3\nTitle1=x\n', n)));
    expectLinear('XSPF tracks', (n) =>
      parseXspf(
        fill('<playlist><trackList>', '<track><location>http://e.com/a.mp3</location><creator>c</creator></track>', n),
      ),
    );
    expectLinear('XSPF unterminated tags', (n) => parseXspf(fill('<playlist><trackList>', '<track><location', n)));
    expectLinear('XSPF one huge creator', (n) =>
      parseXspf(
        `${fill('<playlist><trackList><track><location>http://e.com/a</location><creator>', '&amp;', n)}</creator></track></trackList></playlist>`,
      ),
    );
    expectLinear('XSPF comments and CDATA', (n) =>
      parseXspf(fill('<playlist><trackList>', '<!-- x --><![CDATA[ y ]]>', n)),
    );
  });

  it('entries and fields are capped whatever the file holds', () => {
    const long = parseXspf(
      `<playlist><trackList><track><location>http://e.com/${'a'.repeat(300_000)}</location></track><track><location>http://e.com/b</location><creator>${'c'.repeat(300_000)}</creator><title>${'t'.repeat(300_000)}</title></track></trackList></playlist>`,
    );
    expect(long.entries).toHaveLength(1);
    expect(long.entries[0]?.artist?.length).toBeLessThanOrEqual(200);
    expect(long.entries[0]?.title?.length).toBeLessThanOrEqual(200);
    expect(
      JSON.stringify(
        parseM3u(`#EXTINF:1,${'T'.repeat(100_000)}\nhttp://e.com/${'u'.repeat(100_000)}\nhttp://e.com/ok\n`).entries,
      ).length,
    ).toBeLessThan(1000);
  });

  it('random fragment soups, repeated: every text parser stays linear and never throws', () => {
    fc.assert(
      fc.property(unitArb, (unit) => {
        expectLinear('parsePlaylist', (n) => parsePlaylist(fill('', unit, n), { baseUrl: BASE }), 40_000);
        expectLinear('parseM3u', (n) => parseM3u(fill('#EXTM3U\n', unit, n)), 40_000);
        expectLinear('parsePls', (n) => parsePls(fill('[playlist]\n', unit, n)), 40_000);
        expectLinear('parseXspf', (n) => parseXspf(fill('<playlist><trackList>', unit, n)), 40_000);
        expectLinear(
          'parseHlsPlaylist',
          (n) => swallow(() => parseHlsPlaylist(fill('#EXTM3U\n', unit, n), BASE))(),
          40_000,
        );
      }),
      { numRuns: 15 },
    );
  }, 120_000);
});

describe('yt-dlp JSON stays linear', () => {
  const entry = '{"id":"dQw4w9WgXcQ","title":"t","url":"https://www.youtube.com/watch?v=dQw4w9WgXcQ","duration":212},';
  it('a flat playlist of many entries, and garbage', () => {
    expectLinear('ytdlp playlist', (n) => {
      const json = `${fill('{"_type":"playlist","id":"PL","title":"p","entries":[', entry, n)}{}]}`;
      return swallow(() => playlistFromInfo(parseYtDlpJson(json)))();
    });
    // Not covered: deeply nested arrays cost V8's own JSON.parse superlinear time; yt-dlp's stdout is capped at 16 MiB.
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), (unit) => {
        expectLinear('ytdlp garbage', (n) => swallow(() => parseYtDlpJson(fill('', unit, n)))(), 40_000);
      }),
      { numRuns: 10 },
    );
  }, 60_000);
});

describe('duration parsers of media bytes stay linear', () => {
  const parsers: Array<[string, (bytes: Uint8Array) => unknown]> = [
    ['mp3', (b) => mp3DurationMs(b, b.length)],
    ['mp4', (b) => mp4DurationMs(b)],
    ['ebml', (b) => ebmlDurationMs(b)],
    ['flac', (b) => flacDurationMs(b)],
    ['wav', (b) => wavDurationMs(b, b.length)],
    ['ogg tail', (b) => oggDurationFromTail(b, b)],
  ];
  /** Byte patterns that look like the start of frames/boxes/pages/elements everywhere. */
  const patterns = [
    Buffer.from('ID3'),
    Buffer.from([0xff, 0xfb, 0x90, 0x64]),
    Buffer.from('OggS'),
    Buffer.from('fLaC'),
    Buffer.from('RIFF'),
    Buffer.from([0x1a, 0x45, 0xdf, 0xa3]),
    Buffer.from([0, 0, 0, 8, 0x6d, 0x6f, 0x6f, 0x76]),
    Buffer.from([0, 0, 0, 0]),
  ];

  it.each(parsers)(
    '%s: repeated frame/box headers and random bytes',
    (label, parse) => {
      for (const pattern of patterns) {
        expectLinear(
          `${label} × ${pattern.toString('hex')}`,
          (n) => swallow(() => parse(bytesOf(fill('', pattern.toString('latin1'), n))))(),
          60_000,
        );
      }
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (unit) => {
          const text = Buffer.from(unit).toString('latin1');
          expectLinear(`${label} random`, (n) => swallow(() => parse(bytesOf(fill('', text, n))))(), 40_000);
        }),
        { numRuns: 8 },
      );
    },
    60_000,
  );
});
