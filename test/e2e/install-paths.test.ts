import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseEnv } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { INVITE_PERMISSIONS } from '../../src/discord/invite.js';
import {
  REPO_ROOT,
  startBot,
  startOfflineDiscord,
  type BotProcess,
  type OfflineDiscord,
} from '../offline-discord/index.js';

/**
 * The install paths as a self-hoster runs them, on the offline Discord:
 * - the systemd unit (docker/tunebot.service): `systemd-analyze verify`, its effective environment (the unit's
 *   Environment= lines under the EnvironmentFile built from docker/tunebot.env.example), and the bot started with
 *   exactly that environment and the unit's ExecStart, from a read-only copy of the install directory, as an
 *   unprivileged user: it must become ready and write only to its StateDirectory (DATA_DIR);
 * - the Docker image: the runtime ENV of Dockerfile.multiarch, under compose's env_file (.env from .env.example)
 *   and its environment: block, which is what `node dist/main.js` sees in the container.
 * Stand-ins, since there is no systemd (PID 1) or Docker here: /var/lib/tunebot and /var/cache/tunebot are temp
 * dirs owned by `nobody` (systemd creates them for User=), and the offline Discord's URL and CA are added.
 */
const UNIT_FILE = join(REPO_ROOT, 'docker/tunebot.service');
const UNIT_ENV_EXAMPLE = join(REPO_ROOT, 'docker/tunebot.env.example');
const ENV_EXAMPLE = join(REPO_ROOT, '.env.example');
const NOBODY = 65_534;

/** The [Service] section's directives (repeatable ones in order), as systemd reads them. */
function serviceDirectives(unit: string): Map<string, string[]> {
  const service = unit.split(/^\[/m).find((s) => s.startsWith('Service]')) ?? '';
  const directives = new Map<string, string[]>();
  for (const line of service.split('\n').slice(1)) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (match) directives.set(match[1]!, [...(directives.get(match[1]!) ?? []), match[2]!]);
  }
  return directives;
}

/** Environment= lines: `KEY=value`, one per line here (the unit quotes nothing). */
function unitEnvironment(directives: Map<string, string[]>): Record<string, string> {
  return Object.fromEntries(
    (directives.get('Environment') ?? []).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]),
  );
}

/** What EnvironmentFile= yields: KEY=VALUE lines, # and ; comments (parseEnv reads the same simple format). */
const envFile = (path: string): Record<string, string> =>
  parseEnv(readFileSync(path, 'utf8').replace(/^;.*$/gm, '')) as Record<string, string>;

/** Every file and directory below `dir` with its mtime and size: proof that nothing was written. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      const stat = statSync(full, { throwIfNoEntry: false });
      if (!stat || name === 'node_modules') continue;
      out.push(`${relative(dir, full)} ${stat.mtimeMs} ${stat.size}`);
      if (stat.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return out.sort();
}

describe('systemd unit', () => {
  const directives = serviceDirectives(readFileSync(UNIT_FILE, 'utf8'));
  const unitEnv = unitEnvironment(directives);
  const fileEnv = envFile(UNIT_ENV_EXAMPLE);

  it('passes systemd-analyze verify', { skip: !existsSync('/usr/bin/systemd-analyze') }, () => {
    // systemd-analyze is installed by scripts/provision.sh; without it only the checks below run.
    const result = spawnSync('/usr/bin/systemd-analyze', ['verify', UNIT_FILE], { encoding: 'utf8' });
    expect(result.stderr.split('\n').filter((l) => l.trim() && !/Failed to open .*\/opt\/tunebot/.test(l))).toEqual([]);
    expect(result.status).toBe(0);
  });

  it('keeps its own DATA_DIR, HTTP_HOST, cache and PATH: the env file it is pointed at does not override them', () => {
    expect(directives.get('EnvironmentFile')).toEqual(['/etc/tunebot/tunebot.env']);
    expect(unitEnv.DATA_DIR).toBe('/var/lib/tunebot');
    expect(directives.get('ReadWritePaths')).toEqual(['/var/lib/tunebot']);
    expect(directives.get('ProtectSystem')).toEqual(['strict']);
    for (const pinned of ['DATA_DIR', 'HTTP_HOST', 'XDG_CACHE_HOME', 'PATH', 'NODE_ENV'])
      expect(fileEnv).not.toHaveProperty(pinned);
    for (const unset of ['SHARDS', 'FFMPEG_PATH', 'YTDLP_PATH']) expect(fileEnv).not.toHaveProperty(unset);
    // .env.example may stand in for it too (README's bare-metal path): it sets nothing but the token.
    expect(Object.keys(envFile(ENV_EXAMPLE))).toEqual(['DISCORD_TOKEN']);
  });

  describe('the bot under the unit', () => {
    let discord: OfflineDiscord;
    let bot: BotProcess;
    let install: string;
    let state: string;
    let cache: string;
    let before: string[];
    const asRoot = process.getuid?.() === 0;

    beforeAll(async () => {
      discord = await startOfflineDiscord();
      // /opt/tunebot: the built app, owned by root and read-only (the unit's ProtectSystem=strict).
      install = mkdtempSync(join(tmpdir(), 'tunebot-opt-'));
      cpSync(join(REPO_ROOT, 'dist'), join(install, 'dist'), { recursive: true });
      cpSync(join(REPO_ROOT, 'package.json'), join(install, 'package.json'));
      symlinkSync(join(REPO_ROOT, 'node_modules'), join(install, 'node_modules'));
      execFileSync('chmod', ['-R', 'a-w,a+rX', install]);
      chmodSync(install, 0o555);
      // StateDirectory=tunebot and CacheDirectory=tunebot: created by systemd, owned by the service user.
      state = mkdtempSync(join(tmpdir(), 'tunebot-var-lib-'));
      cache = mkdtempSync(join(tmpdir(), 'tunebot-var-cache-'));
      const ca = mkdtempSync(join(tmpdir(), 'tunebot-ca-'));
      cpSync(discord.certPath, join(ca, 'cert.pem'));
      for (const dir of [state, cache, ca]) chmodSync(dir, 0o755);
      if (asRoot) for (const dir of [state, cache]) chownSync(dir, NOBODY, NOBODY);
      before = snapshot(install);
      const env = {
        ...unitEnv,
        DATA_DIR: state,
        XDG_CACHE_HOME: cache,
        ...fileEnv,
        DISCORD_TOKEN: discord.token, // what the owner puts in tunebot.env
        HOME: state, // systemd sets HOME to the User='s home (useradd --home-dir /var/lib/tunebot)
        HTTP_PORT: '0', // the unit's default 8080 may be taken on a shared test machine
        LOG_LEVEL: undefined,
        NODE_EXTRA_CA_CERTS: join(ca, 'cert.pem'),
      };
      const command = (directives.get('ExecStart')?.[0] ?? '').split(/\s+/);
      bot = startBot(discord, {
        env,
        dataDir: state,
        supervised: { command, cwd: install, ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}) },
      });
      await bot.waitUntilReady(60_000);
    }, 90_000);

    afterAll(async () => {
      await discord?.close();
      for (const dir of [install, state, cache]) {
        if (!dir) continue;
        execFileSync('chmod', ['-R', 'u+w', dir]);
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('becomes ready with the unit ExecStart from a read-only install dir, and guides the owner', async () => {
      expect(directives.get('ExecStart')).toEqual(['/usr/bin/env node --enable-source-maps dist/main.js']);
      const invite = await bot.waitForLog((l) => typeof l.json?.invite === 'string', 20_000);
      expect(invite.json?.invite).toBe(
        `https://discord.com/oauth2/authorize?client_id=${discord.world.applicationId}&scope=bot+applications.commands&permissions=${INVITE_PERMISSIONS.bitfield}`,
      );
      const scope = await bot.waitForLog(
        (l) => l.json?.scope === 'global' && /up to an hour/.test(String(l.json?.msg)),
        20_000,
      );
      expect(String(scope.json?.msg)).toMatch(/set DEV_GUILD_ID/);
    });

    it('writes only to DATA_DIR (/var/lib/tunebot)', async () => {
      await bot.waitForLog((l) => l.json?.msg === 'slash commands registered', 20_000);
      expect(readdirSync(state).some((name) => name.startsWith('tunebot.sqlite'))).toBe(true);
      if (asRoot)
        expect(statSync(join(state, readdirSync(state).find((n) => n.startsWith('tunebot.sqlite'))!)).uid).toBe(NOBODY);
      expect(snapshot(install)).toEqual(before);
      expect(bot.logs.filter((l) => (l.json?.level as number) >= 50 || /EACCES|EROFS|read-only/i.test(l.line))).toEqual(
        [],
      );
    });

    it('stops cleanly on the unit KillSignal', async () => {
      expect(directives.get('KillSignal')).toEqual(['SIGTERM']);
      const exit = await bot.kill('SIGTERM', 15_000);
      expect(exit).toMatchObject({ code: 0 });
    });
  });
});

describe('Docker image', () => {
  const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile.multiarch'), 'utf8');
  const compose = readFileSync(join(REPO_ROOT, 'docker/compose.yml'), 'utf8');

  /** The runtime stage's ENV (the last stage), one `KEY=value` per continued line. */
  function imageEnv(): Record<string, string> {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    const block = /\nENV ((?:.*\\\n)*.*)/.exec(runtime)?.[1] ?? '';
    const pairs = block
      .split(/\\\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    return Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
  }

  /**
   * compose's `environment:` block of the bot service (KEY: value lines), with compose's `${VAR:-default}`
   * interpolation done as compose does it with VAR unset in the shell (the default).
   */
  function composeEnvironment(): Record<string, string> {
    const block = /\n {4}environment:\n((?: {6}.*\n| *#.*\n)+)/.exec(compose)?.[1] ?? '';
    const interpolate = (value: string) => value.replace(/\$\{[A-Z_]+:?-([^}]*)\}/g, '$1');
    return Object.fromEntries(
      [...block.matchAll(/^ {6}([A-Z_]+): "?([^"\n]*)"?$/gm)].map((m) => [m[1]!, interpolate(m[2]!)]),
    );
  }

  it('runs node dist/main.js under tini with an environment that .env from .env.example does not break', () => {
    expect(dockerfile).toMatch(/ENTRYPOINT \["\/usr\/bin\/tini", "--"\]\nCMD \["node", "dist\/main.js"\]/);
    expect(compose).toMatch(/env_file: \.\.\/\.env/);
    // Precedence in the container: compose environment: > env_file > the image's ENV.
    const effective: Record<string, string> = {
      ...imageEnv(),
      ...envFile(ENV_EXAMPLE),
      ...composeEnvironment(),
      DISCORD_TOKEN: 'aaaa.bbbb.cccc',
    };
    expect(effective).toMatchObject({
      DATA_DIR: '/data',
      HTTP_HOST: '0.0.0.0',
      HTTP_PORT: '8080',
      FFMPEG_PATH: '/usr/bin/ffmpeg',
      NODE_ENV: 'production',
    });
    expect(effective).not.toHaveProperty('SHARDS');
    const config = parseConfig(effective);
    expect(config).toMatchObject({
      dataDir: '/data',
      httpHost: '0.0.0.0',
      httpPort: 8080,
      ffmpegPath: '/usr/bin/ffmpeg',
    });
    expect(effective.PATH?.startsWith('/opt/yt-dlp/bin:')).toBe(true);
  });
});
