/**
 * Pure parsers for the playlist files radio stations and users link to: M3U/M3U8, PLS and XSPF.
 *
 * Invariants:
 * - never throw: garbage yields no entries and a `reason`;
 * - bounded: at most `maxEntries` entries (then `truncated`); XML is scanned with `indexOf`, never a
 *   backtracking regex, so a hostile file costs linear time; an entry URL longer than MAX_ENTRY_URL_LENGTH
 *   is skipped and titles/artists are clipped to MAX_ENTRY_FIELD_LENGTH, so what an entry costs in the queue
 *   (serialized on every change) is bounded whatever the file holds;
 * - entries are absolute http(s) URLs (relative ones resolved against `baseUrl`; `file:` and friends are
 *   skipped). The URL-safety check still runs before anything is fetched;
 * - nesting: an entry that names a playlist itself is flagged `isPlaylist`; the caller may expand it
 *   once (parsing it with `depth: 1`, which drops any playlist entries it contains), never deeper.
 * - an HLS media/master playlist (`#EXT-X-…`) is a stream, not a track list: `reason: 'hls-stream'`.
 */

export type PlaylistFormat = 'm3u' | 'pls' | 'xspf';

export interface PlaylistEntry {
  readonly url: string; // absolute http(s)
  readonly title?: string;
  readonly artist?: string;
  /** Milliseconds; `null` when unknown or live (`-1`). */
  readonly durationMs: number | null;
  readonly isPlaylist: boolean; // names a playlist file itself (by extension)
}

export type EmptyReason = 'empty-input' | 'not-text' | 'unrecognised-format' | 'hls-stream' | 'no-entries' | 'too-deep';

export interface PlaylistParseResult {
  readonly format: PlaylistFormat | null;
  readonly entries: readonly PlaylistEntry[];
  /** More entries followed than `maxEntries` allowed. */
  readonly truncated: boolean;
  /** Entries dropped as unusable (relative without a base, not http(s), malformed). */
  readonly skipped: number;
  /** Playlist entries dropped because this playlist was itself nested (`depth: 1`). */
  readonly nestedDropped: number;
  /** Why `entries` is empty; absent when it is not. */
  readonly reason?: EmptyReason;
}

export interface PlaylistParseOptions {
  /** Where the playlist was fetched from; relative entries resolve against it. */
  readonly baseUrl?: string | URL;
  readonly maxEntries?: number; // default MAX_PLAYLIST_ENTRIES
  /** 0: the playlist the user gave; 1: one found inside it. Deeper is refused. */
  readonly depth?: number;
}

export const MAX_PLAYLIST_ENTRIES = 1000;
/** Longer entry URLs are skipped: no real media URL comes close, and each one is stored with the queue. */
export const MAX_ENTRY_URL_LENGTH = 2048;
/** Titles and artists are clipped to this many characters (Discord shows far fewer). */
export const MAX_ENTRY_FIELD_LENGTH = 200;
const PLAYLIST_EXTENSION = /\.(?:m3u8?|pls|xspf|asx|wpl)$/i;
type EntryMeta = Pick<PlaylistEntry, 'title' | 'artist' | 'durationMs'>;

/** Accumulates entries under the bounds; `add` returns false once full (the caller stops). */
class Collector {
  readonly entries: PlaylistEntry[] = [];
  truncated = false;
  skipped = 0; // unusable entries
  nestedDropped = 0; // playlist entries inside a nested playlist
  private readonly base: URL | undefined;
  private readonly max: number;
  private readonly depth: number;

  constructor(options: PlaylistParseOptions) {
    this.base = toUrl(options.baseUrl);
    this.max = Math.max(0, Math.floor(options.maxEntries ?? MAX_PLAYLIST_ENTRIES));
    this.depth = options.depth ?? 0;
  }

  /** Resolves `raw` to an absolute http(s) URL, or undefined. */
  resolve(raw: string): URL | undefined {
    if (raw.length > MAX_ENTRY_URL_LENGTH * 2) return undefined;
    const url = toUrl(raw.trim(), this.base);
    if (url && url.href.length > MAX_ENTRY_URL_LENGTH) return undefined;
    return url && (url.protocol === 'http:' || url.protocol === 'https:') ? url : undefined;
  }

  add(raw: string | URL | undefined, meta: EntryMeta): boolean {
    const url = typeof raw === 'string' ? this.resolve(raw) : raw;
    if (!url) {
      this.skipped++;
      return true;
    }
    const isPlaylist = PLAYLIST_EXTENSION.test(url.pathname);
    if (isPlaylist && this.depth >= 1) {
      this.nestedDropped++;
      return true;
    }
    if (this.entries.length >= this.max) {
      this.truncated = true;
      return false;
    }
    this.entries.push({ url: url.href, ...meta, isPlaylist });
    return true;
  }

  result(format: PlaylistFormat): PlaylistParseResult {
    const base = {
      format,
      entries: this.entries,
      truncated: this.truncated,
      skipped: this.skipped,
      nestedDropped: this.nestedDropped,
    };
    return this.entries.length > 0 ? base : { ...base, reason: 'no-entries' };
  }
}

function toUrl(raw: string | URL | undefined, base?: URL): URL | undefined {
  return raw === undefined || raw === '' || !URL.canParse(String(raw), base?.href) ? undefined : new URL(raw, base);
}

const empty = (format: PlaylistFormat | null, reason: EmptyReason): PlaylistParseResult => ({
  format,
  entries: [],
  truncated: false,
  skipped: 0,
  nestedDropped: 0,
  reason,
});

/** Strips a BOM; `null` for binary input (NUL bytes) or non-strings. */
function cleanText(text: unknown): string | null {
  if (typeof text !== 'string') return null;
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  return body.includes('\u0000') ? null : body;
}

/** Common guards for every parser (depth, binary, emptiness): the clean text, or the empty result. */
function precheck(text: unknown, format: PlaylistFormat, options: PlaylistParseOptions): PlaylistParseResult | string {
  if ((options.depth ?? 0) > 1) return empty(format, 'too-deep');
  const body = cleanText(text);
  if (body === null) return empty(format, 'not-text');
  if (body.trim() === '') return empty(format, 'empty-input');
  return body;
}

const secondsToMs = (raw: string | undefined): number | null => {
  const seconds = Number.parseFloat(raw ?? '');
  return Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : null;
};
/** Trimmed and clipped to MAX_ENTRY_FIELD_LENGTH; undefined when blank. */
const nonEmpty = (s: string | undefined): string | undefined => {
  const trimmed = s?.slice(0, MAX_ENTRY_FIELD_LENGTH * 4).trim();
  return trimmed ? trimmed.slice(0, MAX_ENTRY_FIELD_LENGTH) : undefined;
};

/** `#EXTINF:<seconds> [attr="v, w"],<title>`: the title starts after the first comma outside quotes. */
function parseExtinf(line: string): EntryMeta {
  const body = line.slice('#EXTINF:'.length);
  let quoted = false;
  let comma = -1;
  for (let i = 0; i < body.length && comma < 0; i++) {
    if (body[i] === '"') quoted = !quoted;
    else if (body[i] === ',' && !quoted) comma = i;
  }
  const head = comma < 0 ? body : body.slice(0, comma);
  const title = nonEmpty(comma < 0 ? undefined : body.slice(comma + 1));
  return { durationMs: secondsToMs(head.trim().split(/\s+/)[0]), ...(title ? { title } : {}) };
}

/** M3U / M3U8: `#EXTM3U` optional, `#EXTINF` describes the next URL line, other `#` lines are comments. */
export function parseM3u(text: string, options: PlaylistParseOptions = {}): PlaylistParseResult {
  const body = precheck(text, 'm3u', options);
  if (typeof body !== 'string') return body;
  if (/^#EXT-X-(?:TARGETDURATION|STREAM-INF|MEDIA-SEQUENCE)/m.test(body)) return empty('m3u', 'hls-stream');
  if (body.trimStart().startsWith('<')) return empty('m3u', 'unrecognised-format'); // an HTML error page
  const out = new Collector(options);
  let meta: EntryMeta = { durationMs: null };
  for (const rawLine of body.split(/\r\n|\r|\n/)) {
    const line = rawLine.trim();
    if (line.startsWith('#EXTINF:')) meta = parseExtinf(line);
    if (line === '' || line.startsWith('#')) continue;
    if (/[<>"]/.test(line))
      out.skipped++; // markup, not a location
    else if (!out.add(line, meta)) break;
    meta = { durationMs: null };
  }
  return out.result('m3u');
}

/** PLS: `[playlist]`, then `FileN=`, `TitleN=`, `LengthN=` (seconds, -1 unknown) in any order. */
export function parsePls(text: string, options: PlaylistParseOptions = {}): PlaylistParseResult {
  const body = precheck(text, 'pls', options);
  if (typeof body !== 'string') return body;
  const lines = body.split(/\r\n|\r|\n/).map((l) => l.trim());
  if (!/^\[playlist\]$/i.test(lines.find((l) => l !== '') ?? '')) return empty('pls', 'unrecognised-format');
  const slots = new Map<number, { file?: string; title?: string; length?: string }>();
  const maxSlots = Math.max(1, (options.maxEntries ?? MAX_PLAYLIST_ENTRIES) * 4);
  let overflow = false;
  for (const line of lines) {
    const m = /^(file|title|length)(\d{1,9})\s*=(.*)$/i.exec(line);
    if (!m?.[1] || !m[2]) continue;
    const index = Number(m[2]);
    if (!slots.has(index) && slots.size >= maxSlots) overflow = true;
    else slots.set(index, { ...slots.get(index), [m[1].toLowerCase()]: (m[3] ?? '').trim() });
  }
  const out = new Collector(options);
  const ordered = [...slots.entries()].sort((a, b) => a[0] - b[0]);
  for (const [, { file, title, length }] of ordered) {
    const named = nonEmpty(title);
    if (file !== undefined && !out.add(file, { durationMs: secondsToMs(length), ...(named ? { title: named } : {}) }))
      break;
  }
  if (overflow && out.entries.length > 0) out.truncated = true;
  return out.result('pls');
}

/** Removes `<!-- … -->` comments in one linear pass (an unterminated comment swallows the rest). */
function stripComments(xml: string): string {
  let out = '';
  let pos = 0;
  for (let start = xml.indexOf('<!--'); start >= 0; start = xml.indexOf('<!--', pos)) {
    out += xml.slice(pos, start);
    const end = xml.indexOf('-->', start + 4);
    if (end < 0) return out;
    pos = end + 3;
  }
  return out + xml.slice(pos);
}

/** Finds `<tag …>` (a whole tag name, not a prefix) from `from`; returns the index after its `>`. */
function openTag(xml: string, tag: string, from: number): { inner: number; selfClosing: boolean } | null {
  for (let at = xml.indexOf(`<${tag}`, from); at >= 0; at = xml.indexOf(`<${tag}`, at + 1)) {
    const next = xml[at + tag.length + 1];
    if (next !== '>' && next !== '/' && !/\s/.test(next ?? '')) continue;
    const close = xml.indexOf('>', at);
    if (close < 0) return null;
    return { inner: close + 1, selfClosing: xml[close - 1] === '/' };
  }
  return null;
}

const ENTITIES = new Map(Object.entries({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }));
const decodeEntities = (text: string): string =>
  text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,4});/gi, (whole, ref: string) => {
    if (ref[0] !== '#') return ENTITIES.get(ref) ?? whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });

/** Text content: CDATA sections kept verbatim (found with `indexOf`), entities decoded elsewhere. */
function xmlText(raw: string): string {
  let out = '';
  let pos = 0;
  for (let start = raw.indexOf('<![CDATA['); start >= 0; start = raw.indexOf('<![CDATA[', pos)) {
    const end = raw.indexOf(']]>', start + 9);
    if (end < 0) break;
    out += decodeEntities(raw.slice(pos, start)) + raw.slice(start + 9, end);
    pos = end + 3;
  }
  return (out + decodeEntities(raw.slice(pos))).trim();
}

/**
 * Calls `visit` with the inner text of each `<tag>…</tag>` in `xml` from `from`, in order, resuming after
 * each closing tag (so the scan is linear); stops when `visit` returns false or a tag is left open.
 */
function eachElement(xml: string, tag: string, from: number, visit: (inner: string) => boolean): void {
  for (let open = openTag(xml, tag, from); open; open = openTag(xml, tag, from)) {
    const end = open.selfClosing ? open.inner : xml.indexOf(`</${tag}>`, open.inner);
    if (end < 0) return;
    from = open.selfClosing ? end : end + tag.length + 3;
    if (!visit(open.selfClosing ? '' : xml.slice(open.inner, end))) return;
  }
}

/** Decoded text of every `<tag>` child in `body`, in order. */
function children(body: string, tag: string): string[] {
  const found: string[] = [];
  eachElement(body, tag, 0, (inner) => found.push(xmlText(inner)) > 0);
  return found;
}

/** One `<track>`: the first usable `<location>`, plus title, creator and duration (milliseconds). */
function xspfTrack(body: string, out: Collector): boolean {
  const location = children(body, 'location')
    .map((l) => out.resolve(l))
    .find((u) => u !== undefined);
  const title = nonEmpty(children(body, 'title')[0]);
  const artist = nonEmpty(children(body, 'creator')[0]);
  const ms = Number(children(body, 'duration')[0] ?? '');
  const durationMs = Number.isInteger(ms) && ms > 0 ? ms : null;
  return out.add(location, { durationMs, ...(title ? { title } : {}), ...(artist ? { artist } : {}) });
}

/** XSPF: `<playlist><trackList><track><location/><title/><creator/><duration/></track>…`. */
export function parseXspf(text: string, options: PlaylistParseOptions = {}): PlaylistParseResult {
  const body = precheck(text, 'xspf', options);
  if (typeof body !== 'string') return body;
  const xml = stripComments(body);
  const list = openTag(xml, 'trackList', 0);
  if (!openTag(xml, 'playlist', 0) || !list) return empty('xspf', 'unrecognised-format');
  const out = new Collector(options);
  eachElement(xml, 'track', list.inner, (inner) => xspfTrack(inner, out));
  return out.result('xspf');
}

const CONTENT_TYPES: Record<string, PlaylistFormat> = {
  'audio/x-mpegurl': 'm3u',
  'audio/mpegurl': 'm3u',
  'application/x-mpegurl': 'm3u',
  'application/vnd.apple.mpegurl': 'm3u',
  'audio/x-scpls': 'pls',
  'application/pls+xml': 'pls',
  'application/xspf+xml': 'xspf',
};

/** Sniffs the format from the content first, then the Content-Type, then the URL's extension. */
export function detectPlaylistFormat(
  text: string,
  hints: { contentType?: string; url?: string } = {},
): PlaylistFormat | null {
  const head = (cleanText(text) ?? '').trimStart().slice(0, 512);
  if (head.startsWith('#EXTM3U')) return 'm3u';
  if (/^\[playlist\]/i.test(head)) return 'pls';
  if (/^(?:<\?xml[^>]*>\s*)?<playlist[\s>]/.test(head) || head.includes('xspf.org/ns')) return 'xspf';
  const type = hints.contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (CONTENT_TYPES[type]) return CONTENT_TYPES[type];
  const ext = /\.(m3u8?|pls|xspf)$/i.exec(toUrl(hints.url)?.pathname ?? '')?.[1]?.toLowerCase();
  if (ext) return ext.startsWith('m3u') ? 'm3u' : (ext as PlaylistFormat);
  return /^https?:\/\/\S+$/im.test(head.split(/\r\n|\r|\n/)[0] ?? '') ? 'm3u' : null;
}

/** Detects the format and parses; anything unrecognisable is an empty result, never an exception. */
export function parsePlaylist(
  text: string,
  options: PlaylistParseOptions & { contentType?: string } = {},
): PlaylistParseResult {
  try {
    const url = options.baseUrl === undefined ? undefined : String(options.baseUrl);
    const format = detectPlaylistFormat(text, { contentType: options.contentType, url });
    if (format === 'm3u') return parseM3u(text, options);
    if (format === 'pls') return parsePls(text, options);
    if (format === 'xspf') return parseXspf(text, options);
    const body = cleanText(text);
    return empty(null, body === null ? 'not-text' : body.trim() === '' ? 'empty-input' : 'unrecognised-format');
  } catch {
    return empty(null, 'unrecognised-format');
  }
}
