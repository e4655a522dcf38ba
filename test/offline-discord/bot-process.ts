import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { OfflineDiscord } from './offline-discord.js';
import { ChangeFeed } from './wait.js';

/** The repository root (the bot runs with this as cwd). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** One line the bot printed; `json` is set for JSON (pino) lines. */
export interface LogLine {
  stream: 'stdout' | 'stderr';
  line: string;
  json: Record<string, unknown> | undefined;
  at: number;
}

export interface StartBotOptions {
  /** Extra environment; a value of `undefined` removes the variable. */
  env?: Record<string, string | undefined>;
  /** Script to run, relative to the repo root (default `dist/main.js`). */
  entry?: string;
  /** Node flags (default `--enable-source-maps`). */
  nodeArgs?: string[];
  /** DATA_DIR; a fresh temp dir (removed on kill) by default. */
  dataDir?: string;
  /** The media server's `host:port`, put in ALLOWED_PRIVATE_HOSTS. */
  mediaHost?: string;
  /** Echo the bot's output to this process's stderr (debugging). */
  echo?: boolean;
  /**
   * Run the bot the way a supervisor does, instead of `node <nodeArgs> <entry>` from the repo root with this
   * process's environment: `command` (e.g. a systemd unit's ExecStart), in `cwd`, with only `env` plus the
   * fake's connection variables (DISCORD_API_URL, NODE_EXTRA_CA_CERTS, ...; DISCORD_TOKEN unless `env` has one),
   * optionally as another user (`uid`/`gid`, when this process is root).
   */
  supervised?: { command: readonly string[]; cwd: string; uid?: number; gid?: number };
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running bot process with captured output. Always `kill()` it (or close the OfflineDiscord). */
export class BotProcess {
  readonly logs: LogLine[] = [];
  readonly feed = new ChangeFeed();
  readonly exited: Promise<ExitInfo>;
  readonly startedAt = performance.now();
  exitInfo: ExitInfo | undefined;

  constructor(
    private readonly child: ChildProcess,
    private readonly discord: OfflineDiscord,
    readonly dataDir: string,
    private readonly ownsDataDir: boolean,
    echo: boolean,
  ) {
    this.exited = new Promise<ExitInfo>((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        this.feed.notify();
        resolve(this.exitInfo);
      });
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: child[stream]! }).on('line', (line) => {
        this.logs.push({ stream, line, json: parseJson(line), at: performance.now() });
        if (echo) process.stderr.write(`[bot ${stream}] ${line}\n`);
        this.feed.notify();
      });
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Resolves with the first log line (past or future) matching; rejects if the bot exits first. */
  waitForLog(match: string | RegExp | ((l: LogLine) => boolean), timeoutMs = 10_000): Promise<LogLine> {
    const test =
      typeof match === 'function'
        ? match
        : (l: LogLine) => (typeof match === 'string' ? l.line.includes(match) : match.test(l.line));
    return this.feed.waitFor(
      () => {
        const found = this.logs.find(test);
        if (found) return found;
        if (this.exitInfo)
          throw new Error(
            `the bot exited (${JSON.stringify(this.exitInfo)}) before logging ${String(match)}\n${this.tail()}`,
          );
        return undefined;
      },
      timeoutMs,
      () => `a bot log line matching ${String(match)}\n${this.tail()}`,
    );
  }

  /**
   * Resolves when the bot is usable: every shard identified and was sent its GUILD_CREATEs, and (unless
   * `commands: false`, for REGISTER_COMMANDS=false) a command registration PUT, global or guild, arrived
   * after this process started. Rejects at once, with the output, if the process exits first.
   */
  async waitUntilReady(options: number | { timeoutMs?: number; commands?: boolean } = {}): Promise<void> {
    const { timeoutMs = 20_000, commands = true } = typeof options === 'number' ? { timeoutMs: options } : options;
    const deadline = performance.now() + timeoutMs;
    const exited = this.exited.then((info) => {
      throw new Error(`the bot exited (${JSON.stringify(info)}) before it was ready\n${this.tail()}`);
    });
    const ready = (async () => {
      await this.discord.gateway.waitForReady(timeoutMs);
      if (!commands) return;
      await this.discord.rest.waitForCall(
        (c) =>
          c.method === 'PUT' &&
          c.at >= this.startedAt &&
          /^\/applications\/\{application_id\}(\/guilds\/\{guild_id\})?\/commands$/.test(c.route ?? ''),
        Math.max(1, deadline - performance.now()),
      );
    })();
    try {
      await Promise.race([ready, exited]);
    } finally {
      exited.catch(() => undefined);
      ready.catch(() => undefined);
    }
  }

  /** The last `n` output lines, for error messages. */
  tail(n = 40): string {
    return this.logs
      .slice(-n)
      .map((l) => `  [${l.stream}] ${l.line}`)
      .join('\n');
  }

  /** Sends `signal`, escalates to SIGKILL after `graceMs`, and cleans the temp data dir. */
  async kill(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<ExitInfo> {
    if (!this.exitInfo) {
      this.child.kill(signal);
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
    return this.exitInfo!;
  }
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Spawns the bot (`node --enable-source-maps dist/main.js`, cwd = repo root) against the fake, with
 * DISCORD_TOKEN, DISCORD_API_URL, DATA_DIR, HTTP_PORT=0, LOG_LEVEL=debug, NODE_EXTRA_CA_CERTS and
 * ALLOWED_PRIVATE_HOSTS set. `discord.close()` kills it if the test did not.
 */
export function startBot(discord: OfflineDiscord, options: StartBotOptions = {}): BotProcess {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'offline-discord-bot-'));
  const env: Record<string, string | undefined> = {
    ...(options.supervised ? {} : process.env),
    DISCORD_TOKEN: discord.token,
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_APPLICATION_ID: discord.world.applicationId,
    DATA_DIR: dataDir,
    HTTP_PORT: '0',
    LOG_LEVEL: 'debug',
    NODE_EXTRA_CA_CERTS: discord.certPath,
    ...(options.mediaHost ? { ALLOWED_PRIVATE_HOSTS: options.mediaHost } : {}),
    // Tests drive commands far faster than a member would: the command rate limits are the hostile suite's to
    // turn on (it sets the production defaults), and the fakes' switches must reach the yt-dlp/python children
    // through the bot's minimal child environment.
    RATE_LIMIT_MEMBER: 'off',
    RATE_LIMIT_GUILD: 'off',
    CHILD_ENV_PASSTHROUGH: 'FAKE_YTDLP_*,FAKE_PYTHON_*',
    ...options.env,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const args = [...(options.nodeArgs ?? ['--enable-source-maps']), options.entry ?? 'dist/main.js'];
  const supervised = options.supervised;
  const child = supervised
    ? spawn(supervised.command[0]!, supervised.command.slice(1), {
        cwd: supervised.cwd,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(supervised.uid !== undefined ? { uid: supervised.uid } : {}),
        ...(supervised.gid !== undefined ? { gid: supervised.gid } : {}),
      })
    : spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const bot = new BotProcess(child, discord, dataDir, ownsDataDir, options.echo ?? false);
  discord.onClose(async () => {
    await bot.kill('SIGTERM', 3_000);
  });
  return bot;
}

function parseJson(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
