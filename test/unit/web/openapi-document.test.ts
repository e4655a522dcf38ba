import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startHarness } from './web-fixture.js';

/**
 * docs/openapi.json is the committed copy of the document the server generates from its route schemas.
 * When the routes change, regenerate it: `UPDATE_OPENAPI=1 npx vitest run test/unit/web/openapi-document.test.ts`.
 */
describe('docs/openapi.json', () => {
  it('is the document the server generates (not stale)', async () => {
    const h = await startHarness();
    const generated = `${JSON.stringify(h.app.swagger(), null, 2)}\n`;
    await h.app.close();
    if (process.env.UPDATE_OPENAPI === '1') writeFileSync('docs/openapi.json', generated);
    const committed = readFileSync('docs/openapi.json', 'utf8');
    expect(committed, 'regenerate with UPDATE_OPENAPI=1 (see this file)').toBe(generated);
  });
});
