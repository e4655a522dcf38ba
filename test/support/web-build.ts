import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { REPO_ROOT } from '../offline-discord/index.js';

/** Builds the player page (scripts/build-web.mjs, as `npm run build` does) into a fresh temporary directory. */
export function buildWebPage(): string {
  const outdir = mkdtempSync(join(tmpdir(), 'tunebot-web-'));
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts/build-web.mjs'), '--outdir', outdir, '--quiet'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return outdir;
}

export interface AssetSize {
  readonly file: string;
  readonly bytes: number;
  readonly gzipped: number;
}

/** Every file a browser downloads for the page (index.html and assets/*), raw and gzipped (level 9). */
export function pageSizes(outdir: string): AssetSize[] {
  const files = ['index.html', ...readdirSync(join(outdir, 'assets')).map((f) => `assets/${f}`)];
  return files.map((file) => {
    const bytes = readFileSync(join(outdir, file));
    return { file, bytes: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length };
  });
}
