import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWebPage, pageSizes } from '../../support/web-build.js';

/** Issue 16: the player page stays small and fast: everything it downloads, under 100 KB gzipped. */
const BUDGET_GZIPPED = 100 * 1024;
const outdir = buildWebPage();

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the built player page', () => {
  it('is under 100 KB gzipped in total (index.html + assets)', () => {
    const sizes = pageSizes(outdir);
    const total = sizes.reduce((sum, s) => sum + s.gzipped, 0);
    console.log(
      `web page: ${sizes.map((s) => `${s.file} ${s.bytes} B (${s.gzipped} B gzipped)`).join(', ')}; total ${total} B gzipped`,
    );
    expect(sizes.some((s) => s.file.endsWith('.js'))).toBe(true);
    expect(total).toBeLessThan(BUDGET_GZIPPED);
  });

  it('has no inline script or style, so the CSP default-src self holds', () => {
    const html = readFileSync(join(outdir, 'index.html'), 'utf8');
    expect(html).toMatch(/<script type="module" src="\/assets\/app-\w+\.js"><\/script>/);
    expect(html).toMatch(/<link rel="stylesheet" href="\/assets\/app-\w+\.css" \/>/);
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  });
});
