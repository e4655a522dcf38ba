#!/usr/bin/env node
// Builds the player page (web/) into dist/web/: index.html plus assets/app-<hash>.js and .css, no inline script
// or style, so the server's CSP (default-src 'self') holds. esbuild bundles and minifies TypeScript + Preact
// in well under a second. Prints each asset's size, raw and gzipped.
//
//   node scripts/build-web.mjs [--outdir DIR] [--quiet]     (default dist/web; --quiet: no size report)
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--outdir');
const quiet = args.includes('--quiet');
const outdir = resolve(outIndex >= 0 ? (args[outIndex + 1] ?? '') : join(root, 'dist/web'));

rmSync(outdir, { recursive: true, force: true });
mkdirSync(join(outdir, 'assets'), { recursive: true });

const result = await build({
  entryPoints: [join(root, 'web/src/main.tsx')],
  outdir: join(outdir, 'assets'),
  entryNames: 'app-[hash]',
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  tsconfig: join(root, 'web/tsconfig.json'),
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((file) => resolve(root, file));
const asset = (ext) => {
  const file = outputs.find((f) => f.endsWith(ext));
  if (!file) throw new Error(`build-web: esbuild produced no ${ext} file`);
  return basename(file);
};
const html = readFileSync(join(root, 'web/index.html'), 'utf8')
  .replace('%JS%', asset('.js'))
  .replace('%CSS%', asset('.css'));
writeFileSync(join(outdir, 'index.html'), html);

let raw = 0;
let gzipped = 0;
for (const file of [join(outdir, 'index.html'), ...outputs]) {
  const bytes = readFileSync(file);
  const gz = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gzipped += gz;
  if (!quiet)
    console.log(
      `build-web: ${basename(file).padEnd(24)} ${String(bytes.length).padStart(7)} B  ${String(gz).padStart(6)} B gzipped`,
    );
}
if (!quiet) console.log(`build-web: total ${raw} B, ${gzipped} B gzipped -> ${outdir}`);
