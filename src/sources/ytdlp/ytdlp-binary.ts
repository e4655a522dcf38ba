/**
 * Finding the yt-dlp executable. YouTube only works through it (play-dl's YouTube streaming is broken),
 * so a missing binary must be reported clearly at start-up rather than as a mystery on the first `/play`.
 *
 * Rules: an explicitly configured path (`YTDLP_PATH`) must work — we never fall back to `PATH` behind the
 * owner's back, which would hide a typo; otherwise the first executable `yt-dlp` on `PATH` wins.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../core/errors.js';

export interface LocateYtDlpOptions {
  /** The `YTDLP_PATH` option, if set (relative paths resolve against `cwd`). */
  readonly configuredPath?: string;
  /** The `PATH` to search (default `process.env.PATH`). */
  readonly pathEnv?: string;
  readonly platform?: NodeJS.Platform;
  readonly cwd?: string;
}

export type YtDlpLocation =
  | { readonly ok: true; readonly path: string; readonly via: 'config' | 'path' }
  /** `reason` is for the start-up log (it may name paths); never show it to users. */
  | { readonly ok: false; readonly reason: string };

/** True when `file` is a regular file we may execute. */
async function isExecutableFile(file: string, platform: NodeJS.Platform): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Candidate names in one directory: `yt-dlp`, plus `yt-dlp.exe` and friends on Windows. */
function candidates(dir: string, platform: NodeJS.Platform): string[] {
  const names = platform === 'win32' ? ['yt-dlp.exe', 'yt-dlp.cmd', 'yt-dlp.bat', 'yt-dlp'] : ['yt-dlp'];
  return names.map((name) => path.join(dir, name));
}

/** Locates yt-dlp without throwing; see the module rules. */
export async function locateYtDlp(options: LocateYtDlpOptions = {}): Promise<YtDlpLocation> {
  const platform = options.platform ?? process.platform;
  const configured = options.configuredPath?.trim();
  if (configured) {
    const resolved = path.resolve(options.cwd ?? process.cwd(), configured);
    return (await isExecutableFile(resolved, platform))
      ? { ok: true, path: resolved, via: 'config' }
      : { ok: false, reason: `YTDLP_PATH=${configured} is not an executable file` };
  }
  const pathEnv = options.pathEnv ?? process.env['PATH'] ?? '';
  const separator = platform === 'win32' ? ';' : ':';
  for (const dir of pathEnv.split(separator)) {
    if (dir === '' || !path.isAbsolute(dir)) continue; // relative PATH entries depend on cwd: unsafe
    for (const file of candidates(dir, platform)) {
      if (await isExecutableFile(file, platform)) return { ok: true, path: file, via: 'path' };
    }
  }
  return { ok: false, reason: 'yt-dlp was not found on PATH; install it or set YTDLP_PATH' };
}

/**
 * Like `locateYtDlp`, but throws the user-facing error (YTDLP_MISSING) when it is missing.
 */
export async function requireYtDlp(options: LocateYtDlpOptions = {}): Promise<string> {
  const location = await locateYtDlp(options);
  if (location.ok) return location.path;
  const error = new UserError('YTDLP_MISSING');
  Object.defineProperty(error, 'cause', { value: new Error(location.reason), enumerable: false });
  throw error;
}
