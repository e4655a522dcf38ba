import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERRORS, SOURCE_OUTAGE_CODES, UserError, renderError, type ErrorCode } from '../../src/core/errors.js';

/** Walks the one error catalogue (src/core/errors.ts) and every place in src/ that names a code. */

const SRC = join(import.meta.dirname, '../../src');
const CATALOGUE = join(SRC, 'core/errors.ts');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

const files = sourceFiles(SRC).filter((file) => file !== CATALOGUE);
const codes = Object.keys(ERRORS) as ErrorCode[];
const placeholders = (code: ErrorCode): string[] => [...ERRORS[code].matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);

describe('the error catalogue', () => {
  it('gives every code one friendly sentence, and every placeholder a value when rendered', () => {
    for (const code of codes) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      const text = ERRORS[code];
      expect(text.length, code).toBeGreaterThan(10);
      expect(text, code).toMatch(/[.!?)]$/);
      const values = Object.fromEntries(placeholders(code).map((name) => [name, 'X']));
      expect(renderError(code, values), code).not.toMatch(/[{}]/);
    }
  });

  it('has no template that shows an error message, a stack or code internals', () => {
    for (const code of codes) {
      const text = ERRORS[code];
      expect(text, code).not.toMatch(/\$\{|error\.|err\b|stack|undefined|null|\[object/i);
      // Placeholders name facts the bot chose, never raw error text.
      for (const name of placeholders(code))
        expect(name, code).not.toMatch(/^(message|error|err|reason|detail|cause|stderr)$/i);
    }
  });

  it('is the only way a UserError gets its text: no appended detail, no replaced message', () => {
    const offenders: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const where = relative(SRC, file);
      if (/UserError\.withText|\.message\s*=(?!=)/.test(text)) offenders.push(`${where}: replaces a message`);
      // A second argument that is a string (or a template literal) is the old append-a-detail form.
      for (const m of text.matchAll(/new UserError\(\s*'[A-Z_]+'\s*,\s*[`'"]/g)) offenders.push(`${where}: ${m[0]}`);
      for (const m of text.matchAll(/new UserError\([^)]*\.message/g)) offenders.push(`${where}: ${m[0]}`);
    }
    expect(offenders).toEqual([]);
  });

  it('knows every code that src/ names, and every code it lists is used somewhere in src/', () => {
    const named = new Set<string>();
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:new UserError|super)\(\s*'([A-Z][A-Z0-9_]+)'/g)) named.add(m[1] as string);
      for (const m of text.matchAll(/isUserError\(\w+\) && \w+\.code\s*[!=]==\s*'([A-Z][A-Z0-9_]+)'/g))
        named.add(m[1] as string);
    }
    const unknown = [...named].filter((code) => !(code in ERRORS));
    expect(unknown).toEqual([]);
    const everything = files.map((file) => readFileSync(file, 'utf8')).join('\n');
    // A code is used when it is thrown ('CODE') or its text is sent as a notice (ERRORS.CODE).
    const used = (code: string) => new RegExp(`'${code}'|ERRORS\\.${code}\\b`).test(everything);
    const unused = codes.filter((code) => !used(code) && !SOURCE_OUTAGE_CODES.has(code));
    expect(unused).toEqual([]);
  });

  it('fills placeholders from the values given, and keeps the code for metrics', () => {
    const error = new UserError('QUEUE_FULL', { limit: 25 });
    expect(error.message).toBe('The queue is full. (25 tracks at most.)');
    expect(error.code).toBe('QUEUE_FULL');
    expect(new UserError('NOT_DJ', { action: 'stop playback', role: 'DJ' }).message).toMatch(
      /^Only DJs can stop playback while/,
    );
    expect(new UserError('NOTHING_PLAYING').message).toBe(ERRORS.NOTHING_PLAYING);
  });
});
