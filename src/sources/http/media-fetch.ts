import type { IncomingHttpHeaders } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { UserError } from '../../core/errors.js';
import type { AddressPolicy } from '../../net/address-policy.js';
import { safeFetch, type SafeResponse } from '../../net/safe-fetch.js';
import { markTransient } from '../../core/transient.js';

/**
 * Opening media URLs that came from an extractor (yt-dlp's signed googlevideo URLs, HLS segments, Discord
 * attachments). Everything goes through `safeFetch`, so an extractor tricked into printing a private address
 * is refused exactly like a user's link.
 */

export interface OpenMediaOptions {
  readonly policy: AddressPolicy;
  readonly signal: AbortSignal;
  /** Time allowed until response headers arrive, per hop. */
  readonly timeoutMs: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Refuse bodies announced larger than this. */
  readonly maxBytes?: number;
  /** A body that sends nothing for this long fails with FETCH_TIMEOUT (default 20 s). */
  readonly stallMs?: number;
}

/**
 * The origin refused a signed URL (HTTP 403/410): it expired or is bound to another client. Callers holding
 * a cached URL drop it and ask the extractor again; surfaced unchanged it reads as an HTTP error.
 */
export class ExpiredUrlError extends UserError<'HTTP_STATUS'> {
  readonly expired = true as const;

  constructor(readonly status: number) {
    super('HTTP_STATUS', { status });
    this.name = 'ExpiredUrlError';
  }
}

export const isExpiredUrlError = (error: unknown): error is ExpiredUrlError => error instanceof ExpiredUrlError;

/** Headers we never forward: we cannot decode compressed media, and hop-by-hop headers are ours to set. */
const DROPPED_HEADERS = new Set(['accept-encoding', 'host', 'content-length', 'connection', 'transfer-encoding']);

/** yt-dlp's `http_headers`, lower-cased (so they replace our defaults rather than duplicate them). */
export function forwardableHeaders(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const key = name.toLowerCase();
    if (!DROPPED_HEADERS.has(key) && /^[\w-]+$/.test(key) && !/[\r\n]/.test(value)) out[key] = value;
  }
  return out;
}

/** GETs `url` through the address policy; refuses error statuses and oversized bodies; wires abort and stall. */
export async function openMedia(url: URL, options: OpenMediaOptions): Promise<SafeResponse> {
  const response = await safeFetch(url, options.policy, {
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    headers: forwardableHeaders(options.headers),
  });
  const { status } = response;
  if (status >= 400) {
    response.body.destroy();
    if (status === 403 || status === 410) throw new ExpiredUrlError(status);
    const error = new UserError('HTTP_STATUS', { status });
    throw status >= 500 || status === 429 ? markTransient(error) : error;
  }
  const length = Number(response.headers['content-length'] ?? 0);
  if (options.maxBytes !== undefined && length > options.maxBytes) {
    response.body.destroy();
    throw new UserError('MEDIA_TOO_LARGE');
  }
  response.body.setTimeout(options.stallMs ?? 20_000, () => response.body.destroy(new UserError('FETCH_TIMEOUT')));
  const onAbort = (): void => void response.body.destroy();
  options.signal.addEventListener('abort', onAbort, { once: true });
  response.body.once('close', () => options.signal.removeEventListener('abort', onAbort));
  return response;
}

export const contentTypeOf = (headers: IncomingHttpHeaders): string | undefined =>
  headers['content-type']?.split(';')[0]?.trim().toLowerCase() || undefined;

/** Fails the stream with MEDIA_TOO_LARGE once more than `max` bytes went through. */
export function limitBytes(source: Readable, max: number): Readable {
  let seen = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > max) return callback(new UserError('MEDIA_TOO_LARGE'));
      callback(null, chunk);
    },
  });
  source.on('error', (error) => limited.destroy(error));
  limited.on('close', () => source.destroy());
  return source.pipe(limited);
}

/** Text handed to a piecewise parser between turns of the event loop (a few ms of parsing at most). */
const PIECE_BYTES = 128 * 1024;

/**
 * Streams a body as UTF-8 text to `onPiece` in pieces of at most PIECE_BYTES, failing with MEDIA_TOO_LARGE
 * past `maxBytes`. Between pieces it yields to the event loop (a macrotask, not just a microtask: chunks
 * already buffered would otherwise all be parsed in one go), so a 2 MiB playlist never holds up every
 * guild's audio for the length of its parse.
 */
export async function readTextPieces(body: Readable, maxBytes: number, onPiece: (text: string) => void): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let size = 0;
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buffer.length;
    if (size > maxBytes) {
      body.destroy();
      throw new UserError('MEDIA_TOO_LARGE');
    }
    for (let at = 0; at < buffer.length; at += PIECE_BYTES) {
      onPiece(decoder.write(buffer.subarray(at, at + PIECE_BYTES)));
      await nextTurn();
    }
  }
  onPiece(decoder.end());
}

/** Reads a whole (small) body as text, failing with MEDIA_TOO_LARGE past `maxBytes`. */
export async function readText(body: Readable, maxBytes: number): Promise<string> {
  const pieces: string[] = [];
  await readTextPieces(body, maxBytes, (piece) => pieces.push(piece));
  return pieces.join('');
}
