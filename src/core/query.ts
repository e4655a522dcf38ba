import { UserError } from './errors.js';

/**
 * What a user asked for, already classified: a URL, a search, or a Discord attachment.
 * Parsing is pure (`parseQuery` below); sources only decide whether they can handle one.
 */
export type Query =
  | { readonly kind: 'url'; readonly url: URL; readonly raw: string }
  | { readonly kind: 'search'; readonly text: string }
  | {
      readonly kind: 'attachment';
      readonly url: URL;
      readonly name: string;
      readonly size: number;
      readonly contentType?: string;
    };

export const MAX_QUERY_LENGTH = 500;

// Zero-width and bidi control characters: invisible in Discord, but they break URL parsing and search.
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/g;

/**
 * Classifies what a user typed. Pure. A single token with a scheme is a URL (the scheme is checked later,
 * by the source, so `ftp://` gets a precise message); anything with spaces is a search, so "Artist: Song"
 * is not mistaken for a URL with the scheme `artist:`.
 */
export function parseQuery(raw: string | null | undefined): Query {
  const text = (raw ?? '')
    .replace(INVISIBLE, '')
    .trim()
    .replace(/^<(.+)>$/, '$1')
    .trim();
  if (!text) throw new UserError('EMPTY_QUERY');
  if (text.length > MAX_QUERY_LENGTH) throw new UserError('QUERY_TOO_LONG');
  const looksLikeUrl = !/\s/.test(text) && /^[a-z][a-z0-9+.-]*:/i.test(text);
  if (looksLikeUrl) {
    if (!URL.canParse(text)) throw new UserError('BAD_URL');
    return { kind: 'url', url: new URL(text), raw: text };
  }
  if (!/\s/.test(text) && /^(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)+\/\S*$/i.test(text) && URL.canParse(`https://${text}`)) {
    return { kind: 'url', url: new URL(`https://${text}`), raw: text };
  }
  return { kind: 'search', text: text.replace(/\s+/g, ' ') };
}
