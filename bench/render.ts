/**
 * Re-renders the Markdown summary of a results file (after the report itself changed, or to print an old
 * run): `node --experimental-transform-types --import ./bench/register.mjs bench/render.ts bench/results/<file>.json`.
 * Writes the .md beside it and prints it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderMarkdown, type BenchResults } from './lib/report.js';

const file = process.argv[2];
if (!file?.endsWith('.json')) {
  process.stderr.write('usage: bench/render.ts bench/results/<date>-<mode>.json\n');
  process.exit(2);
}
const results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
const markdown = renderMarkdown(results);
writeFileSync(file.replace(/\.json$/, '.md'), markdown);
process.stdout.write(markdown);
