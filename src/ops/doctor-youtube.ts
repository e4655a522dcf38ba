import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { safely, troubleshooting, type CheckResult, type DoctorContext } from './doctor-types.js';
import { runYtDlpCheck } from '../sources/ytdlp/ytdlp-check.js';

/** Where the bot keeps the last canary result (written by the canary, read here). */
const YOUTUBE_DOC = troubleshooting('youtube-stops-playing-or-asks-to-sign-in');

export const canaryFile = (dataDir: string): string => path.resolve(dataDir, 'yt-dlp', 'canary.json');

/**
 * YouTube readiness beyond "yt-dlp runs": the JS runtime and yt_dlp_ejs from its debug header (the same check
 * the image build runs), the cookies file, the PO-token provider's reachability and the last canary result.
 */
export async function youtubeChecks(context: DoctorContext): Promise<CheckResult[]> {
  return Promise.all([
    safely('yt-dlp-solver', 'YouTube challenge solver', () => solverCheck(context)),
    safely('yt-dlp-cookies', 'YTDLP_COOKIES', () => cookiesCheck(context)),
    safely('yt-dlp-pot', 'PO-token provider', () => potCheck(context)),
    safely('yt-dlp-canary', 'YouTube canary', () => canaryCheck(context)),
  ]);
}

async function solverCheck({ env, locateYtDlp, run }: DoctorContext): Promise<CheckResult> {
  const base = { id: 'yt-dlp-solver', title: 'YouTube challenge solver' };
  const location = await locateYtDlp(env.YTDLP_PATH?.trim() || undefined, env.PATH);
  if (!location.ok)
    return {
      ...base,
      status: 'warn',
      message: 'no yt-dlp (see above)',
      fix: `Install "yt-dlp[default]" (docs/youtube.md; ${troubleshooting('yt-dlp-missing-or-out-of-date')}).`,
    };
  const { header, problems } = await runYtDlpCheck(location.path, run);
  const [first] = problems;
  if (first) {
    const fix = `${first.fix} (${troubleshooting('javascript-runtime-or-yt_dlp_ejs-missing')})`;
    return { ...base, status: 'fail', message: problems.map((p) => p.what).join('; '), fix };
  }
  const node = header.runtimes?.find((r) => r.name === 'node');
  return {
    ...base,
    status: 'ok',
    message: `node ${node?.version ?? '?'}, yt_dlp_ejs ${header.libraries.get('yt_dlp_ejs') ?? '?'}`,
  };
}

async function cookiesCheck({ env }: DoctorContext): Promise<CheckResult> {
  const base = { id: 'yt-dlp-cookies', title: 'YTDLP_COOKIES' };
  const file = env.YTDLP_COOKIES?.trim();
  if (!file)
    return {
      ...base,
      status: 'ok',
      message: 'not set (set it if YouTube asks this server to sign in; docs/youtube.md)',
    };
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile())
    return {
      ...base,
      status: 'fail',
      message: `${file} is not a file`,
      fix: `Export YouTube cookies in Netscape format to that path (docs/youtube.md; ${YOUTUBE_DOC}).`,
    };
  if ((info.mode & 0o077) !== 0) {
    return {
      ...base,
      status: 'warn',
      message: `${file} is readable by other users (mode ${(info.mode & 0o777).toString(8)})`,
      fix: `chmod 600 ${file}`,
    };
  }
  const ageDays = Math.floor((Date.now() - info.mtimeMs) / 86_400_000);
  return {
    ...base,
    status: 'ok',
    message: `${file}, mode 600, exported ${ageDays} day(s) ago (yt-dlp uses a private copy)`,
  };
}

async function potCheck({ env }: DoctorContext): Promise<CheckResult> {
  const base = { id: 'yt-dlp-pot', title: 'PO-token provider' };
  const url = env.YTDLP_POT_PROVIDER?.trim().replace(/\/+$/, '');
  if (!url)
    return {
      ...base,
      status: 'ok',
      message: 'not set (set YTDLP_POT_PROVIDER if YouTube shows this server the bot check)',
    };
  try {
    const response = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(5000) });
    const body = (await response.json()) as { version?: unknown };
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return { ...base, status: 'ok', message: `${url} answers /ping (bgutil server ${String(body.version ?? '?')})` };
  } catch (error) {
    return {
      ...base,
      status: 'fail',
      message: `${url}/ping does not answer (${error instanceof Error ? error.message : String(error)})`,
      fix: 'Start the provider (docker compose -f docker/compose.yml --profile pot up -d) or fix YTDLP_POT_PROVIDER.',
    };
  }
}

async function canaryCheck({ env, now }: DoctorContext): Promise<CheckResult> {
  const base = { id: 'yt-dlp-canary', title: 'YouTube canary' };
  const text = await readFile(canaryFile(env.DATA_DIR?.trim() || './data'), 'utf8').catch(() => undefined);
  if (!text) return { ...base, status: 'ok', message: 'no result yet (the bot checks YTDLP_CANARY_URL hourly)' };
  const last = JSON.parse(text) as { ok?: boolean; at?: number; code?: string; url?: string; version?: string };
  const ago = last.at ? `${Math.round((now() - last.at) / 60_000)} min ago` : 'at an unknown time';
  if (last.ok)
    return {
      ...base,
      status: 'ok',
      message: `${last.url ?? 'the canary'} played ${ago} (yt-dlp ${last.version ?? '?'})`,
    };
  return {
    ...base,
    status: 'warn',
    message: `${last.url ?? 'the canary'} failed ${ago} (${last.code ?? 'unknown'})`,
    fix: `See docs/youtube.md for what that code means and fixes it (${YOUTUBE_DOC}).`,
  };
}
