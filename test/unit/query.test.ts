import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { parseQuery } from '../../src/core/query.js';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return error instanceof UserError ? error.code : 'not-a-user-error';
  }
  return undefined;
};

describe('parseQuery', () => {
  it('classifies URLs and strips Discord embed brackets and invisible characters', () => {
    expect(parseQuery('<https://example.com/a.ogg>')).toMatchObject({ kind: 'url', raw: 'https://example.com/a.ogg' });
    const q = parseQuery('\u200Bhttps://exam\u200Dple.com/song.mp3\uFEFF');
    expect(q.kind === 'url' && q.url.hostname).toBe('example.com');
  });

  it('treats text with spaces as a search even when it has a colon', () => {
    expect(parseQuery('Artist: Song title')).toEqual({ kind: 'search', text: 'Artist: Song title' });
    expect(parseQuery('  lofi   beats  ')).toEqual({ kind: 'search', text: 'lofi beats' });
  });

  it('keeps odd schemes as URLs so the source can name the problem', () => {
    const q = parseQuery('javascript:alert(1)');
    expect(q.kind === 'url' && q.url.protocol).toBe('javascript:');
    expect(parseQuery('file:///etc/passwd').kind).toBe('url');
  });

  it('accepts bare host/path links', () => {
    const q = parseQuery('example.com/stream.mp3');
    expect(q.kind === 'url' && q.url.href).toBe('https://example.com/stream.mp3');
  });

  it('refuses empty, invisible-only and overlong queries with catalogue codes', () => {
    expect(codeOf(() => parseQuery(''))).toBe('EMPTY_QUERY');
    expect(codeOf(() => parseQuery(null))).toBe('EMPTY_QUERY');
    expect(codeOf(() => parseQuery('\u200B\u200B  '))).toBe('EMPTY_QUERY');
    expect(codeOf(() => parseQuery('a'.repeat(5000)))).toBe('QUERY_TOO_LONG');
    expect(codeOf(() => parseQuery('http://[::1'))).toBe('BAD_URL');
  });
});
