import { accessSync, constants, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createApp } from './app.js';
import { ConfigError, loadEnv, parseConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { installTestHooks } from './ops/test-hooks.js';
import { systemClock } from './ports/clock.js';
import type { Logger } from './ports/logger.js';
import { runDoctor } from './ops/doctor.js';
import { logReport } from './ops/doctor-format.js';
import { KeyvStore } from './store/keyv-store.js';

/** Exit within this long after SIGTERM/SIGINT whatever happens. */
const SHUTDOWN_DEADLINE_MS = 10_000;

type Env = ReturnType<typeof loadEnv>;

function readConfig(env: Env): Config {
  try {
    return parseConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(
      `${error.message}\n\nFix these in .env or the environment (see .env.example), then start again.\n`,
    );
    process.exit(2);
  }
}

function guardProcess(logger: Logger): void {
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  // Voice and stream libraries occasionally emit errors nobody listens to; one bad stream must not take every
  // guild's queue down with it, so these are logged and the bot keeps serving.
  process.on('uncaughtException', (error) => logger.error({ err: error }, 'uncaught exception'));
}

/**
 * DATA_DIR must exist and be writable before the store opens: otherwise the owner gets a stack trace for what is
 * a set-up problem (typically DATA_DIR=./data under the systemd unit, where /opt/tunebot is read-only).
 */
function ensureDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    process.stderr.write(
      `DATA_DIR ${resolve(dir)} cannot be created or written (${code}). Fix: point DATA_DIR at a folder the bot's user may ` +
        'write (the systemd unit: leave DATA_DIR unset, it is /var/lib/tunebot; another path must be in ReadWritePaths=); ' +
        'see docs/troubleshooting.md#data-directory-not-writable-systemd\n',
    );
    process.exit(2);
  }
}

/** STORE_URL is validated here: a typo must stop start-up, not silently fall back to another store. */
async function openStore(env: Env, config: Config, logger: Logger): Promise<KeyvStore> {
  try {
    return await KeyvStore.open({
      url: env.STORE_URL,
      dataDir: config.dataDir,
      logger: logger.child({ component: 'store' }),
    });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const env = loadEnv(process.cwd());
  const config = readConfig(env);
  // Under `npm start`, SHARDS (the shard manager's count, e.g. "auto") would be JSON.parsed by discord.js's Client.
  if (!process.env.SHARDING_MANAGER) delete process.env.SHARDS;
  const logger = createLogger({ level: config.logLevel, pretty: config.logPretty, secrets: [config.token] });
  guardProcess(logger);
  ensureDataDir(config.dataDir);
  if (config.logLevel === 'debug' || config.logLevel === 'trace') {
    void runDoctor({ env, online: false }).then((report) => logReport(logger, report));
  }
  const store = await openStore(env, config, logger);
  const app = await createApp({ config, logger, clock: systemClock, store });
  installTestHooks(process.env, logger, { crashAudioWorker: (index) => app.engine.crash(index) });
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(0), SHUTDOWN_DEADLINE_MS).unref();
    void app
      .stop()
      .finally(() => store.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  try {
    await app.start();
  } catch (error) {
    const invalid =
      error instanceof Error && /TokenInvalid|401|An invalid token/i.test(`${error.name} ${error.message}`);
    logger.error({ err: error }, 'could not connect to Discord');
    process.stderr.write(
      invalid
        ? 'Discord rejected DISCORD_TOKEN. Reset the token in the Developer Portal and update .env.\n'
        : 'Could not connect to Discord. Check the network and DISCORD_API_URL, then start again.\n',
    );
    process.exit(1);
  }
}

void main();
