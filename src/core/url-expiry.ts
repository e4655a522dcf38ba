/**
 * Expiry of signed media URLs. YouTube's googlevideo URLs (as yt-dlp returns them) carry
 * `expire=<unix seconds>` in the query string, either as `?expire=…` or as a `/expire/…/` path segment
 * in older manifest-style URLs. Past that instant the URL answers 403, so cached URLs must not outlive it.
 */

const MAX_PLAUSIBLE_SECONDS = 1e11; // year ~5138: anything bigger is garbage, not a timestamp

/**
 * Epoch milliseconds at which `url` stops working, or `null` when it names no expiry (or is unparsable).
 * Pure; never throws.
 */
export function parseUrlExpiry(url: string): number | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const fromQuery = parsed.searchParams.get('expire');
  const fromPath = /\/expire\/(\d+)(?:\/|$)/.exec(parsed.pathname)?.[1];
  return toMillis(fromQuery ?? fromPath ?? null);
}

function toMillis(raw: string | null): number | null {
  if (raw === null || !/^\d{1,12}$/.test(raw)) return null;
  const seconds = Number(raw);
  if (seconds <= 0 || seconds >= MAX_PLAUSIBLE_SECONDS) return null;
  return seconds * 1000;
}
