import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatReport, logReport, reportJson } from '../../../src/ops/doctor-format.js';
import { runDoctor, type CheckResult, type CommandRunner, type DoctorOptions } from '../../../src/ops/doctor.js';
import type { DiscordIdentity } from '../../../src/ops/doctor-discord.js';

const TOKEN = `${Buffer.from('123456789012345678').toString('base64')}.G1abcd.abcdefghijklmnopqrstuvwxyz_-0123456789`;
const NOW = Date.UTC(2026, 0, 20);

/** `yt-dlp -v`'s real header for an install state (test/fixtures/ytdlp/debug-headers.json). */
const HEADERS = JSON.parse(
  readFileSync(new URL('../../fixtures/ytdlp/debug-headers.json', import.meta.url), 'utf8'),
) as {
  lines: string[];
  variants: Record<string, Record<string, string>>;
};
const debugHeader = (variant: string): string => {
  const fields: Record<string, string> = { argv: "['-v']", version: '2026.01.02', ...HEADERS.variants[variant] };
  return HEADERS.lines
    .map((l) => l.replace(/\{(\w+)\}/g, (_, k: string) => fields[k] ?? '').replace('{{}}', '{}'))
    .join('\n');
};
const ytdlpRun =
  (variant: string): CommandRunner =>
  async (command, args) =>
    args.includes('-v') ? { code: 2, stdout: '', stderr: debugHeader(variant) } : fakeRun(command, args, 1000);

/** A machine where everything is fine: ffmpeg with libopus, a fresh yt-dlp with node and ejs, native opus, davey. */
const fakeRun: CommandRunner = async (command, args) => {
  if (command.endsWith('yt-dlp') && args.includes('-v')) return { code: 2, stdout: '', stderr: debugHeader('healthy') };
  if (command.endsWith('yt-dlp')) return { code: 0, stdout: '2026.01.02\n', stderr: '' };
  if (args.includes('-encoders'))
    return { code: 0, stdout: ' A..... libopus              libopus Opus (codec opus)\n', stderr: '' };
  return { code: 0, stdout: 'ffmpeg version 7.1 Copyright (c) 2000-2025 the FFmpeg developers\n', stderr: '' };
};

const modules: Record<string, unknown> = {
  '@discordjs/opus': { OpusEncoder: class {} },
  opusscript: {},
  '@snazzah/davey': { VERSION: '0.1.12', DAVE_PROTOCOL_VERSION: 1 },
  '@noble/ciphers/chacha.js': {},
};
const load =
  (available: Record<string, unknown> = modules) =>
  async (name: string) => {
    if (!(name in available)) throw new Error(`Cannot find package '${name}'`);
    return available[name];
  };

const identity: DiscordIdentity = {
  user: { id: '123456789012345678', username: 'tunebot' },
  application: {
    id: '123456789012345678',
    name: 'tunebot',
    flags: 1 << 18,
    bot_public: true,
    bot_require_code_grant: false,
  },
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tunebot-doctor-'));
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

function healthy(overrides: Partial<DoctorOptions> = {}): DoctorOptions {
  return {
    env: { DISCORD_TOKEN: TOKEN, DATA_DIR: join(dir, 'data') },
    nodeVersion: '22.12.0',
    run: fakeRun,
    load: load(),
    locateFfmpeg: () => ({ path: '/usr/bin/ffmpeg', origin: 'PATH' }),
    locateYtDlp: async () => ({ ok: true, path: '/usr/local/bin/yt-dlp', via: 'path' }),
    discord: async () => identity,
    now: () => NOW,
    ...overrides,
  };
}

const byId = (results: readonly CheckResult[], id: string) => results.find((r) => r.id === id);

describe('runDoctor', () => {
  it('passes a healthy setup and prints a readable table', async () => {
    const report = await runDoctor(healthy());
    expect(report.results.filter((r) => r.status !== 'ok')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.results.map((r) => r.id)).toEqual([
      'node',
      'opus',
      'dave',
      'encryption',
      'config',
      'token',
      'data-dir',
      'ffmpeg',
      'yt-dlp',
      'yt-dlp-solver',
      'yt-dlp-cookies',
      'yt-dlp-pot',
      'yt-dlp-canary',
      'discord-login',
      'discord-intents',
      'discord-invite',
    ]);
    expect(byId(report.results, 'ffmpeg')?.message).toBe(
      'ffmpeg version 7.1 at /usr/bin/ffmpeg (PATH), libopus present',
    );
    expect(byId(report.results, 'dave')?.message).toBe(
      '@snazzah/davey 0.1.12 loads; voice will offer DAVE protocol v1 (max_dave_protocol_version)',
    );
    expect(byId(report.results, 'discord-intents')?.message).toContain('enabled but unused: Message Content');
    expect(byId(report.results, 'discord-invite')?.message).toContain('permissions=3230720');
    expect(readdirSync(join(dir, 'data'))).toEqual([]); // the write test cleaned up after itself
    const table = formatReport(report);
    expect(table).toContain('✓ Node.js');
    expect(table).not.toContain('✗');
    expect(table).toContain('16 ok, 0 warnings, 0 failures');
    expect(JSON.parse(reportJson(report)).ok).toBe(true);
  });

  it('fails when FFMPEG_PATH does not run, naming the fix (real locator)', async () => {
    const report = await runDoctor(
      healthy({ env: { ...healthy().env, FFMPEG_PATH: '/nonexistent' }, locateFfmpeg: undefined }),
    );
    const ffmpeg = byId(report.results, 'ffmpeg');
    expect(ffmpeg).toMatchObject({ status: 'fail', message: 'FFMPEG_PATH=/nonexistent does not run' });
    expect(ffmpeg?.fix).toMatch(/Point FFMPEG_PATH at a working ffmpeg binary.*sudo apt install ffmpeg/);
    expect(report.ok).toBe(false);
    expect(formatReport(report)).toMatch(/✗ ffmpeg .*\n.*fix: Point FFMPEG_PATH/);
  });

  it('fails when ffmpeg is not on PATH, naming the install command (real locator)', async () => {
    vi.stubEnv('PATH', join(dir, 'empty-bin'));
    const report = await runDoctor(healthy({ locateFfmpeg: undefined }));
    const ffmpeg = byId(report.results, 'ffmpeg');
    expect(ffmpeg?.status).toBe('fail');
    expect(ffmpeg?.message).toContain('not on PATH');
    expect(ffmpeg?.fix).toMatch(/sudo apt install ffmpeg.*or set FFMPEG_PATH/);
  });

  it('fails an ffmpeg without libopus', async () => {
    const run: CommandRunner = async (command, args) =>
      args.includes('-encoders') ? { code: 0, stdout: ' A..X.. opus  Opus\n', stderr: '' } : fakeRun(command, args, 1);
    const ffmpeg = byId((await runDoctor(healthy({ run }))).results, 'ffmpeg');
    expect(ffmpeg).toMatchObject({ status: 'fail' });
    expect(ffmpeg?.message).toContain('no libopus encoder');
  });

  it('fails an unwritable data directory (its parent is a regular file) with the chown / DATA_DIR fix', async () => {
    writeFileSync(join(dir, 'a-file'), 'x');
    const report = await runDoctor(healthy({ env: { DISCORD_TOKEN: TOKEN, DATA_DIR: join(dir, 'a-file', 'data') } }));
    const data = byId(report.results, 'data-dir');
    expect(data?.status).toBe('fail');
    expect(data?.message).toContain('part of that path is a file, not a folder');
    expect(data?.fix).toMatch(/chown the folder to the bot's user or set DATA_DIR/i);
    expect(report.ok).toBe(false);
  });

  it('warns about opusscript, fails without davey, and fails an old Node', async () => {
    const { opusscript, '@noble/ciphers/chacha.js': noble } = modules;
    const report = await runDoctor(
      healthy({ nodeVersion: '20.18.0', load: load({ opusscript, '@noble/ciphers/chacha.js': noble }) }),
    );
    expect(byId(report.results, 'opus')).toMatchObject({ status: 'warn' });
    expect(byId(report.results, 'opus')?.message).toContain('25 concurrent encoders');
    expect(byId(report.results, 'opus')?.fix).toContain('build-essential');
    expect(byId(report.results, 'dave')?.status).toBe('fail');
    expect(byId(report.results, 'dave')?.fix).toContain('Linux armv7 (gnueabihf)');
    expect(byId(report.results, 'node')).toMatchObject({
      status: 'fail',
      message: 'v20.18.0 is too old; 22.12.0 or newer is required',
    });
  });

  it('fails a davey that would offer DAVE protocol 0 (Discord closes such voice connections with 4017)', async () => {
    const report = await runDoctor(
      healthy({ load: load({ ...modules, '@snazzah/davey': { VERSION: '0.0.1', DAVE_PROTOCOL_VERSION: 0 } }) }),
    );
    expect(byId(report.results, 'dave')).toMatchObject({ status: 'fail' });
    expect(byId(report.results, 'dave')?.message).toContain('4017');
  });

  it('warns when yt-dlp is missing or old, with how to install or update it', async () => {
    const missing = await runDoctor(
      healthy({ locateYtDlp: async () => ({ ok: false, reason: 'yt-dlp was not found on PATH' }) }),
    );
    expect(byId(missing.results, 'yt-dlp')).toMatchObject({ status: 'warn' });
    expect(byId(missing.results, 'yt-dlp')?.fix).toContain('releases/latest/download/yt-dlp');
    const old = await runDoctor(healthy({ now: () => Date.UTC(2026, 6, 1) }));
    expect(byId(old.results, 'yt-dlp')?.message).toContain('days old');
    // The fixture's header says "(pip)" and /usr/local/bin has no venv: pip, never yt-dlp's own -U.
    expect(byId(old.results, 'yt-dlp')?.fix).toContain('python3 -m pip install -U "yt-dlp[default]"');
    expect(byId(old.results, 'yt-dlp')?.fix).not.toMatch(/yt-dlp -U/);
    expect(byId(old.results, 'yt-dlp')?.fix).toContain('YTDLP_AUTO_UPDATE=daily');
  });

  describe('the update hint for an old yt-dlp follows how it was installed', () => {
    const later = () => Date.UTC(2026, 6, 1);
    const oldFix = async (path: string, variant = 'pip') => {
      const run: CommandRunner = async (command, args) =>
        args.includes('-v')
          ? { code: 2, stdout: '', stderr: debugHeader('healthy').replace('(pip)', `(${variant})`) }
          : fakeRun(command, args, 1000);
      const report = await runDoctor(
        healthy({ now: later, run, locateYtDlp: async () => ({ ok: true, path, via: 'path' }) }),
      );
      return byId(report.results, 'yt-dlp')?.fix ?? '';
    };

    it("a venv (the docs' /opt/yt-dlp): its own pip, not yt-dlp -U", async () => {
      const venv = join(dir, 'yt-dlp-venv');
      mkdirSync(join(venv, 'bin'), { recursive: true });
      for (const file of ['pyvenv.cfg', 'bin/pip', 'bin/yt-dlp']) writeFileSync(join(venv, file), '');
      const fix = await oldFix(join(venv, 'bin', 'yt-dlp'));
      expect(fix).toContain(`Update it in its venv: ${join(venv, 'bin', 'pip')} install -U "yt-dlp[default]"`);
      expect(fix).not.toMatch(/yt-dlp -U/);
      expect(fix).toContain('docs/troubleshooting.md#yt-dlp-missing-or-out-of-date');
    });

    it('pipx: pipx upgrade', async () => {
      const fix = await oldFix('/home/pi/.local/share/pipx/venvs/yt-dlp/bin/yt-dlp');
      expect(fix).toContain('pipx upgrade yt-dlp');
      expect(fix).not.toMatch(/yt-dlp -U/);
    });

    it.each(['zip', 'linux_exe', 'linux_armv7l_exe'])(
      'the release binary (%s) updates itself with -U',
      async (variant) => {
        expect(await oldFix('/usr/local/bin/yt-dlp', variant)).toContain('Update it: /usr/local/bin/yt-dlp -U');
      },
    );

    it('anything else (a distribution package): a venv, or YTDLP_AUTO_UPDATE', async () => {
      const fix = await oldFix('/usr/bin/yt-dlp', 'source');
      expect(fix).toContain('python3 -m venv /opt/yt-dlp');
      expect(fix).toContain('YTDLP_AUTO_UPDATE=daily');
      expect(fix).not.toMatch(/yt-dlp -U/);
    });
  });

  it('says davey has a build for every Linux platform the lock file lists (armv7 included)', () => {
    const lock = JSON.parse(readFileSync(new URL('../../../package-lock.json', import.meta.url), 'utf8')) as {
      packages: Record<string, { optionalDependencies?: Record<string, string> }>;
    };
    const builds = Object.keys(lock.packages['node_modules/@snazzah/davey']?.optionalDependencies ?? {});
    expect(builds).toContain('@snazzah/davey-linux-arm-gnueabihf');
    const claims: Record<string, string> = {
      'linux-x64-gnu': 'Linux x64/arm64 (glibc and musl)',
      'linux-x64-musl': 'Linux x64/arm64 (glibc and musl)',
      'linux-arm64-gnu': 'Linux x64/arm64 (glibc and musl)',
      'linux-arm64-musl': 'Linux x64/arm64 (glibc and musl)',
      'linux-arm-gnueabihf': 'Linux armv7 (gnueabihf)',
      'darwin-x64': 'macOS x64/arm64',
      'darwin-arm64': 'macOS x64/arm64',
      'win32-x64-msvc': 'Windows x64/ia32/arm64',
      'win32-ia32-msvc': 'Windows x64/ia32/arm64',
      'win32-arm64-msvc': 'Windows x64/ia32/arm64',
      'freebsd-x64': 'FreeBSD x64',
      'android-arm64': 'Android arm64/armv7',
      'android-arm-eabi': 'Android arm64/armv7',
      'wasm32-wasi': '@snazzah/davey-wasm32-wasi',
    };
    return runDoctor(healthy({ load: load({}) })).then((report) => {
      const fix = byId(report.results, 'dave')?.fix ?? '';
      for (const build of builds) {
        const platform = build.replace('@snazzah/davey-', '');
        expect(claims[platform], `${build} is in the lock file: say so in the doctor's DAVE fix`).toBeDefined();
        expect(fix).toContain(claims[platform]);
      }
      expect(fix).not.toMatch(/no (32-bit|armv7|arm\/v7)|does not support/i);
    });
  });

  it('reports configuration and token problems, and skips Discord without a token', async () => {
    const report = await runDoctor(
      healthy({ env: { DATA_DIR: join(dir, 'd'), HTTP_PORT: 'eighty', SHARDS: '0', STORE_URL: 'mongo://x' } }),
    );
    const config = byId(report.results, 'config');
    expect(config?.status).toBe('fail');
    expect(config?.message).toContain('HTTP_PORT must be a whole number');
    expect(config?.message).toContain('SHARDS must be "auto"');
    expect(config?.message).toContain('STORE_URL must start with');
    expect(config?.message).not.toContain('DISCORD_TOKEN');
    expect(byId(report.results, 'token')).toMatchObject({ status: 'fail', message: 'DISCORD_TOKEN is not set' });
    expect(byId(report.results, 'discord-login')).toBeUndefined();
  });

  it('does not contact Discord with --offline', async () => {
    const discord = vi.fn(async () => identity);
    const report = await runDoctor(healthy({ online: false, discord }));
    expect(discord).not.toHaveBeenCalled();
    expect(byId(report.results, 'discord-login')).toBeUndefined();
  });

  it('logs the report at debug and failures at warn (start-up use)', async () => {
    const report = await runDoctor(healthy({ env: { DATA_DIR: join(dir, 'd') }, online: false }));
    const debug = vi.fn();
    const warn = vi.fn();
    logReport({ debug, warn }, report);
    expect(debug).toHaveBeenCalledWith({ doctor: report.results }, expect.stringContaining('tunebot doctor'));
    expect(warn).toHaveBeenCalledWith(
      { check: 'token', fix: expect.stringContaining('DISCORD_TOKEN=') },
      'doctor: Bot token: DISCORD_TOKEN is not set',
    );
  });

  it('turns a crashing check into a failed line instead of crashing', async () => {
    const report = await runDoctor(
      healthy({
        locateFfmpeg: () => {
          throw new Error('boom');
        },
      }),
    );
    expect(byId(report.results, 'ffmpeg')).toMatchObject({ status: 'fail', message: 'the check itself failed: boom' });
  });
});

describe('runDoctor: YouTube readiness', () => {
  it.each([
    ['no-runtime', /no JavaScript runtime/],
    ['no-ejs', /no yt_dlp_ejs/],
  ])('fails a yt-dlp whose header shows %s, with the fix', async (variant, message) => {
    const report = await runDoctor(healthy({ run: ytdlpRun(variant) }));
    expect(byId(report.results, 'yt-dlp-solver')).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(message),
    });
    expect(byId(report.results, 'yt-dlp-solver')?.fix).toBeTruthy();
    expect(report.ok).toBe(false);
  });

  it('reports the runtime and ejs, a shared cookies file, an unreachable provider and the last canary', async () => {
    const cookies = join(dir, 'cookies.txt');
    writeFileSync(cookies, '# Netscape HTTP Cookie File\n');
    chmodSync(cookies, 0o644);
    mkdirSync(join(dir, 'data', 'yt-dlp'), { recursive: true });
    writeFileSync(
      join(dir, 'data', 'yt-dlp', 'canary.json'),
      JSON.stringify({
        ok: false,
        at: NOW - 30 * 60_000,
        code: 'YOUTUBE_BOT_CHECK',
        url: 'https://youtu.be/jNQXAC9IVRw',
      }),
    );
    const env = {
      DISCORD_TOKEN: TOKEN,
      DATA_DIR: join(dir, 'data'),
      YTDLP_COOKIES: cookies,
      YTDLP_POT_PROVIDER: 'http://127.0.0.1:9',
    };
    const report = await runDoctor(healthy({ env }));
    expect(byId(report.results, 'yt-dlp-solver')).toMatchObject({
      status: 'ok',
      message: 'node 22.23.3, yt_dlp_ejs 0.8.0',
    });
    expect(byId(report.results, 'yt-dlp-cookies')).toMatchObject({ status: 'warn', fix: `chmod 600 ${cookies}` });
    expect(byId(report.results, 'yt-dlp-pot')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('/ping does not answer'),
    });
    expect(byId(report.results, 'yt-dlp-canary')).toMatchObject({
      status: 'warn',
      message: expect.stringMatching(/failed 30 min ago \(YOUTUBE_BOT_CHECK\)/),
    });
  });

  it('a PO-token provider that answers /ping is ok', async () => {
    const server = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"server_uptime":1,"version":"2.0.2"}'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const report = await runDoctor(
        healthy({ env: { DISCORD_TOKEN: TOKEN, DATA_DIR: join(dir, 'data'), YTDLP_POT_PROVIDER: url } }),
      );
      expect(byId(report.results, 'yt-dlp-pot')).toMatchObject({
        status: 'ok',
        message: `${url} answers /ping (bgutil server 2.0.2)`,
      });
    } finally {
      server.close();
    }
  });
});

describe('runDoctor against a Discord API over HTTP (DISCORD_API_URL)', () => {
  let server: Server;
  let status = 200;
  let seen: string[] = [];

  beforeEach(async () => {
    seen = [];
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      const body =
        status !== 200
          ? { message: '401: Unauthorized', code: 0 }
          : req.url === '/api/v10/users/@me'
            ? identity.user
            : { ...identity.application, install_params: { scopes: ['bot'], permissions: String(1 << 10) } };
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const env = () => ({
    DISCORD_TOKEN: TOKEN,
    DATA_DIR: join(dir, 'data'),
    DISCORD_API_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
  });

  it('logs in through REST and checks the invite defaults', async () => {
    const report = await runDoctor(healthy({ env: env(), discord: undefined }));
    expect(seen).toEqual([`GET /api/v10/users/@me Bot ${TOKEN}`, `GET /api/v10/applications/@me Bot ${TOKEN}`]);
    expect(byId(report.results, 'discord-login')?.message).toBe(
      'logged in as tunebot (123456789012345678), application "tunebot"',
    );
    const invite = byId(report.results, 'discord-invite');
    expect(invite?.status).toBe('warn');
    expect(invite?.message).toBe(
      'the default install link lacks Send Messages, Embed Links, Read Message History, Connect, Speak',
    );
  });

  it('fails a rejected token with how to reset it', async () => {
    status = 401;
    const login = byId((await runDoctor(healthy({ env: env(), discord: undefined }))).results, 'discord-login');
    expect(login).toMatchObject({ status: 'fail', message: 'Discord rejected DISCORD_TOKEN (401)' });
    expect(login?.fix).toContain('Reset Token');
  });
});
