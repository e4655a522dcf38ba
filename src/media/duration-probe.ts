import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { AddressPolicy } from '../net/address-policy.js';
import { safeFetch } from '../net/safe-fetch.js';
import { estimateDuration } from './duration-estimate.js';
import { canMeasureOgg, oggDurationFromTail } from './duration-ogg.js';
import type { ContainerKind } from './probe.js';

/** The most an Ogg tail fetch may add to resolving: past it the track plays with an unknown length. */
export const TAIL_BUDGET_MS = 1500;
/** Ogg pages are at most ~64 KB, so the last whole page is always inside this much of the end. */
export const TAIL_BYTES = 65_536;

export interface DurationProbeOptions {
  readonly policy: AddressPolicy;
  readonly signal: AbortSignal;
  /** Budget for the Ogg tail fetch; clamped to TAIL_BUDGET_MS. */
  readonly timeoutMs?: number;
}

/** What of the already-open response the probe looks at (its final URL after redirects, and its headers). */
export interface OpenedMedia {
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
}

/** A plain byte count from Content-Length; `null` when absent, malformed, or for a compressed body. */
export function contentLengthOf(headers: IncomingHttpHeaders): number | null {
  const raw = headers['content-length'];
  const encoding = (headers['content-encoding'] ?? 'identity').toLowerCase();
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw.trim()) || encoding !== 'identity') return null;
  const length = Number(raw);
  return length > 0 ? length : null;
}

/**
 * Length in milliseconds of a just-opened HTTP media file, or `null`. Never rejects: a missing length only
 * costs the progress bar, seek bounds and the gapless preload timer, never the track. Everything but Ogg is
 * read from `head`; Ogg needs its last page, fetched with one ranged GET (same address policy, at most
 * TAIL_BUDGET_MS) and only when the origin advertises byte ranges and a length.
 */
export async function probeDuration(
  head: Uint8Array,
  kind: ContainerKind,
  opened: OpenedMedia,
  options: DurationProbeOptions,
): Promise<number | null> {
  const length = contentLengthOf(opened.headers);
  if (kind !== 'ogg-opus' && kind !== 'ogg-other') return estimateDuration(head, kind, length);
  if (length === null || !canMeasureOgg(head)) return null;
  if (length <= head.length) return oggDurationFromTail(head.subarray(0, length), head);
  if (!/\bbytes\b/i.test(String(opened.headers['accept-ranges'] ?? ''))) return null;
  const budget = Math.min(options.timeoutMs ?? TAIL_BUDGET_MS, TAIL_BUDGET_MS);
  const tail = await fetchTail(opened.url, length, { ...options, timeoutMs: budget });
  return tail ? oggDurationFromTail(tail, head) : null;
}

/**
 * The last TAIL_BYTES of `url` (one `Range: bytes=-N` GET through `safeFetch`), or `null` on any failure,
 * on a reply that is not exactly that file's end, or when `timeoutMs` runs out (headers and body together).
 */
export async function fetchTail(
  url: URL,
  length: number,
  options: DurationProbeOptions & { timeoutMs: number },
): Promise<Buffer | null> {
  const deadline = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]);
  try {
    const response = await safeFetch(url, options.policy, {
      signal: deadline,
      timeoutMs: options.timeoutMs,
      headers: { range: `bytes=-${TAIL_BYTES}`, 'accept-encoding': 'identity' },
    });
    if (response.status !== 206 || !isTailOf(response.headers['content-range'], length)) {
      response.body.destroy();
      return null;
    }
    return await readAll(response.body, TAIL_BYTES, deadline);
  } catch {
    return null;
  }
}

/** `bytes S-E/T` where E is the last byte and T the length the first response gave (same file, its end). */
function isTailOf(contentRange: string | undefined, length: number): boolean {
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(contentRange?.trim() ?? '');
  return match !== null && Number(match[3]) === length && Number(match[2]) === length - 1;
}

/** Collects a body of at most `max` bytes; `null` if it is longer, fails, or `signal` fires first. */
function readAll(body: IncomingMessage, max: number, signal: AbortSignal): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const done = (result: Buffer | null): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      body.destroy();
      resolve(result);
    };
    const onAbort = (): void => done(null);
    if (signal.aborted) return done(null);
    signal.addEventListener('abort', onAbort, { once: true });
    body.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > max) return done(null);
      chunks.push(chunk);
    });
    body.once('end', () => done(Buffer.concat(chunks)));
    body.once('error', () => done(null));
    body.once('close', () => done(null));
  });
}
