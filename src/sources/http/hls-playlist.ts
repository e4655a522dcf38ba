import { sourceErrors } from '../source-errors.js';
import { UserError } from '../../core/errors.js';

/**
 * HLS playlist text (RFC 8216) read in one linear pass over pieces as they arrive, with bounded results:
 * a 2 MiB text can hold a million lines, and neither the scan nor what it keeps may cost more than a few
 * milliseconds per piece or a few MB in all. Segment URIs are kept as text and resolved only when fetched
 * (a kept VOD head of 25,000 URLs would otherwise be 25,000 `new URL` calls in one go).
 */

export interface HlsSegment {
  readonly uri: string;
  readonly seq: number;
}

export interface HlsMediaPlaylist {
  readonly kind: 'media';
  /** Resolve with `segmentUrl` (against `base`, the playlist's own URL after redirects). */
  readonly segments: readonly HlsSegment[];
  readonly base: URL;
  /** Length of the playlist text (characters): what one reload of it costs to parse. */
  readonly textLength: number;
  readonly init?: URL;
  readonly ended: boolean;
  readonly targetMs: number;
}

export interface HlsMasterPlaylist {
  readonly kind: 'master';
  /** Best first: audio-only renditions, then variants by ascending bandwidth. */
  readonly choices: readonly URL[];
}

const attr = (line: string, name: string): string | undefined =>
  new RegExp(`(?:^|[:,])${name}=(?:"([^"]*)"|([^,]*))`)
    .exec(line)
    ?.slice(1)
    .find((v) => v !== undefined);

const VIDEO_CODECS = /avc1|avc3|hvc1|hev1|vp09|vp8|av01/i;

/**
 * Bounds on what one playlist text may cost (a 2 MiB text can hold a million lines): the scan is one pass,
 * lines longer than a URL can sensibly be are ignored, and what is kept is capped. A live list keeps only
 * its edge (the newest segments); a finished (VOD) list its first segments.
 */
export const HLS_LIMITS = {
  /** Longest line considered (longer ones are ignored, never parsed). */
  maxLineLength: 8192,
  /** Variants and audio renditions of a master playlist kept at most (the first ones). */
  maxVariants: 64,
  /** Segments of a finished playlist kept at most (a 14-hour VOD at 2 s segments). */
  maxVodSegments: 25_000,
  /** Segments at the end of a live playlist kept (the live edge, with room for reload overlap). */
  maxLiveSegments: 32,
} as const;

/**
 * Splits text fed in pieces into trimmed lines (LF, CR or CRLF; a CRLF split across pieces only adds an
 * empty line, which the scan ignores). Holds at most one line; a line longer than `maxLineLength` is
 * reported as a bare comment, never built.
 */
class LineSplitter {
  private carry = '';
  private overlong = false;
  private started = false;

  constructor(private readonly visit: (line: string) => void) {}

  push(piece: string): void {
    let pos = 0;
    if (!this.started) {
      this.started = true;
      if (piece.charCodeAt(0) === 0xfeff) pos = 1;
    }
    for (let end = pos; end < piece.length; end++) {
      const c = piece.charCodeAt(end);
      if (c !== 10 && c !== 13) continue;
      this.take(piece, pos, end);
      this.emit();
      pos = end + 1;
    }
    this.take(piece, pos, piece.length);
  }

  end(): void {
    this.emit();
  }

  private take(piece: string, from: number, to: number): void {
    if (this.overlong || from === to) return;
    if (this.carry.length + (to - from) > HLS_LIMITS.maxLineLength) {
      this.overlong = true;
      this.carry = '';
    } else this.carry += piece.slice(from, to);
  }

  private emit(): void {
    this.visit(this.overlong ? '#' : this.carry.trim());
    this.carry = '';
    this.overlong = false;
  }
}

/** Everything one pass collects; both shapes are gathered and the caller picks (master wins). */
class Scan {
  first: string | undefined;
  seq = 0;
  targetMs = 6_000;
  init: string | undefined;
  ended = false;
  isMaster = false;
  readonly audio: string[] = [];
  readonly variants: { uri: string; bandwidth: number; audioOnly: boolean }[] = [];
  private pendingInf: string | undefined;
  readonly head: HlsSegment[] = [];
  /** Ring buffer of the newest segments (live edge). */
  private readonly ring: (HlsSegment | undefined)[] = new Array(HLS_LIMITS.maxLiveSegments);
  private count = 0;

  line(line: string): void {
    if (this.first === undefined) {
      this.first = line;
      return;
    }
    if (line === '') return;
    if (line.charCodeAt(0) === 35 /* # */) return this.tag(line);
    if (this.pendingInf !== undefined) return this.variant(line);
    if (!this.isMaster) this.segment(line);
  }

  private tag(line: string): void {
    if (line.startsWith('#EXT-X-STREAM-INF:')) {
      this.isMaster = true;
      this.pendingInf = line;
    } else if (line.startsWith('#EXT-X-MEDIA:')) {
      const uri = attr(line, 'URI');
      if (uri && attr(line, 'TYPE') === 'AUDIO' && this.audio.length < HLS_LIMITS.maxVariants) this.audio.push(uri);
    } else if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) this.seq = Number(line.slice(22)) || 0;
    else if (line.startsWith('#EXT-X-TARGETDURATION:')) this.targetMs = Math.max(1, Number(line.slice(22)) || 6) * 1000;
    else if (line.startsWith('#EXT-X-KEY:') && attr(line, 'METHOD') !== 'NONE')
      throw sourceErrors.formatUnsupported('encrypted HLS streams');
    else if (line.startsWith('#EXT-X-BYTERANGE:'))
      throw sourceErrors.formatUnsupported('this kind of HLS stream (byte ranges)');
    else if (line.startsWith('#EXT-X-MAP:')) this.init = attr(line, 'URI') ?? this.init;
    else if (line === '#EXT-X-ENDLIST') this.ended = true;
  }

  private variant(uri: string): void {
    const inf = this.pendingInf ?? '';
    this.pendingInf = undefined;
    if (this.variants.length >= HLS_LIMITS.maxVariants) return;
    const codecs = attr(inf, 'CODECS') ?? '';
    this.variants.push({
      uri,
      bandwidth: Number(attr(inf, 'BANDWIDTH') ?? 0) || 0,
      audioOnly: codecs !== '' && !VIDEO_CODECS.test(codecs),
    });
  }

  private segment(uri: string): void {
    const segment = { uri, seq: this.seq++ };
    if (this.head.length < HLS_LIMITS.maxVodSegments) this.head.push(segment);
    this.ring[this.count++ % HLS_LIMITS.maxLiveSegments] = segment;
  }

  /** The newest segments, oldest first. */
  edge(): HlsSegment[] {
    const size = Math.min(this.count, HLS_LIMITS.maxLiveSegments);
    const out: HlsSegment[] = [];
    for (let i = this.count - size; i < this.count; i++)
      out.push(this.ring[i % HLS_LIMITS.maxLiveSegments] as HlsSegment);
    return out;
  }
}

const resolveUri = (uri: string | undefined, base: URL): URL | undefined =>
  uri !== undefined && URL.canParse(uri, base.href) ? new URL(uri, base) : undefined;

function masterChoices(scan: Scan, base: URL): URL[] {
  const variants = [...scan.variants].sort(
    (a, b) => Number(b.audioOnly) - Number(a.audioOnly) || a.bandwidth - b.bandwidth,
  );
  return [...scan.audio, ...variants.map((v) => v.uri)].flatMap((uri) => resolveUri(uri, base) ?? []);
}

/** An HLS playlist fed piece by piece (`push`), then read once (`finish`); throws a `UserError` for what we cannot play. */
export class HlsPlaylistParser {
  private readonly scan = new Scan();
  private readonly lines = new LineSplitter((line) => this.scan.line(line));
  private length = 0;

  push(piece: string): void {
    this.length += piece.length;
    this.lines.push(piece);
  }

  finish(base: URL): HlsMediaPlaylist | HlsMasterPlaylist {
    this.lines.end();
    const scan = this.scan;
    if (scan.first !== '#EXTM3U') throw new UserError('NOT_AUDIO');
    if (scan.isMaster) return { kind: 'master', choices: masterChoices(scan, base) };
    const segments = scan.ended ? scan.head : scan.edge();
    const init = resolveUri(scan.init, base);
    return {
      kind: 'media',
      segments,
      base,
      textLength: this.length,
      ...(init ? { init } : {}),
      ended: scan.ended,
      targetMs: scan.targetMs,
    };
  }
}

/** A whole playlist text at once (see HlsPlaylistParser). */
export function parseHlsPlaylist(text: string, base: URL): HlsMediaPlaylist | HlsMasterPlaylist {
  const parser = new HlsPlaylistParser();
  parser.push(text);
  return parser.finish(base);
}

/** A segment's URL, or undefined when its URI does not resolve (such a segment is skipped). */
export function segmentUrl(segment: HlsSegment, playlist: HlsMediaPlaylist): URL | undefined {
  return resolveUri(segment.uri, playlist.base);
}
