import { spawnSync } from 'node:child_process';
import { childEnv } from '../core/child-env.js';
import { createRequire } from 'node:module';

export interface FfmpegInfo {
  readonly path: string;
  readonly origin: 'FFMPEG_PATH' | 'ffmpeg-static' | 'PATH';
}

/**
 * Where ffmpeg is: FFMPEG_PATH wins, then the optional ffmpeg-static package (its install script downloads
 * from outside the npm registry, so it is often absent), then `ffmpeg` on PATH. Returns undefined when none
 * runs; the bot still plays Opus passthrough sources without it.
 */
export function locateFfmpeg(override: string | undefined): FfmpegInfo | undefined {
  if (override) return runs(override) ? { path: override, origin: 'FFMPEG_PATH' } : undefined;
  const fromPackage = ffmpegStaticPath();
  if (fromPackage && runs(fromPackage)) return { path: fromPackage, origin: 'ffmpeg-static' };
  return runs('ffmpeg') ? { path: 'ffmpeg', origin: 'PATH' } : undefined;
}

function ffmpegStaticPath(): string | undefined {
  try {
    const required = createRequire(import.meta.url)('ffmpeg-static') as unknown;
    return typeof required === 'string' ? required : undefined;
  } catch {
    return undefined;
  }
}

function runs(path: string): boolean {
  const result = spawnSync(path, ['-hide_banner', '-version'], {
    stdio: 'ignore',
    timeout: 5000,
    env: childEnv(process.env),
  });
  return result.status === 0;
}
