import { join, resolve } from 'node:path';
import { ConfigError, parseConfig } from '../config.js';
import { parseStoreUrl } from '../store/store-url.js';
import { errorText } from './doctor-runtime.js';
import { safely, troubleshooting, type CheckResult, type DoctorContext } from './doctor-types.js';
import { parseShardCount } from './shard-config.js';
import { classifyYtDlpInstall, YTDLP_DOC, ytDlpUpdateFix } from './ytdlp-update-hint.js';
import { runYtDlpCheck } from '../sources/ytdlp/ytdlp-check.js';

/** yt-dlp releases track YouTube changes; one older than this is likely to fail on YouTube already. */
const YTDLP_MAX_AGE_DAYS = 90;
const TOKEN_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

export const DATA_DIR_FIX = "Chown the folder to the bot's user or set DATA_DIR to a folder it can write";
const DATA_DIR_DOC = troubleshooting('data-directory-not-writable-systemd');
const FFMPEG_INSTALL = `Install ffmpeg (Debian/Ubuntu/Raspberry Pi OS: sudo apt install ffmpeg; macOS: brew install ffmpeg; ${troubleshooting('no-ffmpeg-or-ffmpeg-without-libopus')})`;
const YTDLP_INSTALL =
  'Install yt-dlp with its challenge solver: python3 -m venv /opt/yt-dlp && /opt/yt-dlp/bin/pip install "yt-dlp[default]" ' +
  '(or pipx install "yt-dlp[default]"), or set YTDLP_PATH to its full path. (The standalone binary from ' +
  `https://github.com/yt-dlp/yt-dlp/releases/latest/download/yt-dlp bundles ejs too; ${YTDLP_DOC}.)`;

/** Configuration, token shape, the data directory, ffmpeg and yt-dlp. */
export async function hostChecks(context: DoctorContext): Promise<CheckResult[]> {
  return Promise.all([
    safely('config', 'Configuration', () => configCheck(context)),
    safely('token', 'Bot token', () => tokenCheck(context)),
    safely('data-dir', 'Data directory', () => dataDirCheck(context)),
    safely('ffmpeg', 'ffmpeg', () => ffmpegCheck(context)),
    safely('yt-dlp', 'yt-dlp', () => ytDlpCheck(context)),
  ]);
}

/** Every problem config.ts would stop the bot for, except the token (its own line), plus STORE_URL and SHARDS. */
function configCheck({ env }: DoctorContext): CheckResult {
  const problems: string[] = [];
  try {
    parseConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems.filter((p) => !p.startsWith('DISCORD_TOKEN')));
  }
  for (const parse of [
    () => parseStoreUrl(env.STORE_URL, env.DATA_DIR ?? './data'),
    () => parseShardCount(env.SHARDS),
  ]) {
    try {
      parse();
    } catch (error) {
      problems.push(errorText(error));
    }
  }
  const base = { id: 'config', title: 'Configuration' };
  if (problems.length === 0) return { ...base, status: 'ok', message: 'environment and .env parse cleanly' };
  return {
    ...base,
    status: 'fail',
    message: problems.join(' '),
    fix: 'Fix these in .env or the environment (see .env.example).',
  };
}

function tokenCheck({ env }: DoctorContext): CheckResult {
  const token = env.DISCORD_TOKEN?.trim().replace(/^Bot\s+/i, '') ?? '';
  const base = { id: 'token', title: 'Bot token' };
  const portal = 'https://discord.com/developers/applications → your app → Bot → Reset Token';
  if (!token)
    return {
      ...base,
      status: 'fail',
      message: 'DISCORD_TOKEN is not set',
      fix: `Copy a token from ${portal}, and put DISCORD_TOKEN=... in .env.`,
    };
  if (!TOKEN_SHAPE.test(token)) {
    return {
      ...base,
      status: 'fail',
      message: 'DISCORD_TOKEN does not look like a bot token (three dot-separated parts)',
      fix: `Copy it again from ${portal}.`,
    };
  }
  const id = Buffer.from(token.split('.')[0] ?? '', 'base64').toString('utf8');
  if (!/^\d{15,21}$/.test(id)) {
    return {
      ...base,
      status: 'warn',
      message: 'the first part of DISCORD_TOKEN is not a bot id; it may be a user or client secret',
      fix: `Use the bot token from ${portal} (not the client secret).`,
    };
  }
  return { ...base, status: 'ok', message: `well-formed, for application ${id}` };
}

/** Creates DATA_DIR, writes and deletes a file in it: exactly what the store needs at start-up. */
async function dataDirCheck({ env, fs, probeName }: DoctorContext): Promise<CheckResult> {
  const dir = resolve(env.DATA_DIR?.trim() || './data');
  const base = { id: 'data-dir', title: 'Data directory' };
  const file = join(dir, probeName);
  try {
    await fs.mkdir(dir);
    await fs.writeFile(file, 'tunebot doctor write test\n');
    await fs.unlink(file);
    return { ...base, status: 'ok', message: `${dir} is writable` };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOTDIR'
        ? 'part of that path is a file, not a folder'
        : code === 'ENOSPC'
          ? 'the disk is full'
          : errorText(error);
    const fix =
      code === 'ENOSPC'
        ? `Free some disk space. ${DATA_DIR_FIX} (${DATA_DIR_DOC}).`
        : `${DATA_DIR_FIX} (now ${dir}; ${DATA_DIR_DOC}).`;
    return { ...base, status: 'fail', message: `cannot write to ${dir}: ${why}`, fix };
  }
}

async function ffmpegCheck({ env, locateFfmpeg, run }: DoctorContext): Promise<CheckResult> {
  const base = { id: 'ffmpeg', title: 'ffmpeg' };
  const override = env.FFMPEG_PATH?.trim() || undefined;
  const info = locateFfmpeg(override);
  if (!info) {
    return override
      ? {
          ...base,
          status: 'fail',
          message: `FFMPEG_PATH=${override} does not run`,
          fix: `Point FFMPEG_PATH at a working ffmpeg binary, or unset it to use ffmpeg on PATH. ${FFMPEG_INSTALL}.`,
        }
      : {
          ...base,
          status: 'fail',
          message: 'ffmpeg not found (FFMPEG_PATH unset, no ffmpeg-static, not on PATH); only Ogg/WebM Opus can play',
          fix: `${FFMPEG_INSTALL}, or set FFMPEG_PATH to its full path.`,
        };
  }
  const version =
    (await run(info.path, ['-hide_banner', '-version'], 5000)).stdout.split('\n')[0]?.replace(/ Copyright.*$/, '') ??
    '';
  const encoders = await run(info.path, ['-hide_banner', '-encoders'], 5000);
  const where = `${info.path} (${info.origin})`;
  if (!/\blibopus\b/.test(encoders.stdout)) {
    return {
      ...base,
      status: 'fail',
      message: `${version || 'ffmpeg'} at ${where} has no libopus encoder; only Ogg/WebM Opus can play`,
      fix: `${FFMPEG_INSTALL}: distribution builds include libopus. Or point FFMPEG_PATH at one that does.`,
    };
  }
  return { ...base, status: 'ok', message: `${version || 'ffmpeg'} at ${where}, libopus present` };
}

async function ytDlpCheck({ env, locateYtDlp, run, now }: DoctorContext): Promise<CheckResult> {
  const base = { id: 'yt-dlp', title: 'yt-dlp' };
  const configured = env.YTDLP_PATH?.trim() || undefined;
  const location = await locateYtDlp(configured, env.PATH);
  if (!location.ok) {
    const status = configured ? 'fail' : 'warn';
    return {
      ...base,
      status,
      message: `${location.reason}; YouTube and most sites will not play (direct links still do)`,
      fix: YTDLP_INSTALL,
    };
  }
  const result = await run(location.path, ['--ignore-config', '--version'], 10_000);
  const version = result.stdout.trim();
  if (result.code !== 0 || !version) {
    return {
      ...base,
      status: 'warn',
      message: `${location.path} does not run (${result.error ?? result.stderr.trim().split('\n')[0] ?? `exit ${result.code}`})`,
      fix: YTDLP_INSTALL,
    };
  }
  const age = ageInDays(version, now());
  if (age !== undefined && age > YTDLP_MAX_AGE_DAYS) {
    return {
      ...base,
      status: 'warn',
      message: `${version} at ${location.path} is ${age} days old; YouTube changes break old versions`,
      fix: await updateFixFor(location.path, run),
    };
  }
  return { ...base, status: 'ok', message: `${version} at ${location.path}` };
}

/** How to update the yt-dlp at `binary`: its `-v` header names how it was built (pip, zip, linux_exe, …). */
async function updateFixFor(binary: string, run: DoctorContext['run']): Promise<string> {
  const { header } = await runYtDlpCheck(binary, run);
  return ytDlpUpdateFix(classifyYtDlpInstall(binary, header.variant));
}

/** yt-dlp versions are release dates (2025.01.15, maybe with a .N suffix). */
function ageInDays(version: string, now: number): number | undefined {
  const match = /^(\d{4})\.(\d{2})\.(\d{2})/.exec(version);
  if (!match) return undefined;
  const released = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Math.floor((now - released) / 86_400_000);
}
