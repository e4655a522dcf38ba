#!/usr/bin/env node
// Builds dist/ from src/ when TypeScript is installed (a development checkout); in a production install
// (dev dependencies pruned, e.g. the Docker image) it uses the dist/ that was built at install time.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  tsc = undefined;
}
let esbuild;
try {
  esbuild = require.resolve('esbuild');
} catch {
  esbuild = undefined;
}
if (tsc) {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  // The player page (dist/web/, served when WEB_ENABLED=true) is bundled by esbuild, a dev dependency too.
  if (esbuild) execFileSync(process.execPath, ['scripts/build-web.mjs', '--quiet'], { stdio: 'inherit' });
} else if (!existsSync('dist/main.js')) {
  console.error(
    'dist/ is missing and TypeScript is not installed: run `npm ci` (with dev dependencies) and `npm run build`.',
  );
  process.exit(1);
}
