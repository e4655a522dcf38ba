import { mkdirSync } from 'node:fs';
import { createApp } from './app.js';
import { ConfigError, loadEnv, parseConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { systemClock } from './ports/clock.js';
import type { Logger } from './ports/logger.js';
import type { KeyValueStore } from './ports/store.js';

/** Exit within this long after SIGTERM/SIGINT whatever happens. */
const SHUTDOWN_DEADLINE_MS = 10_000;

function readConfig(): Config {
  try {
    return parseConfig(loadEnv(process.cwd()));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n\nFix these in .env or the environment (see .env.example), then start again.\n`);
    process.exit(2);
  }
}

function guardProcess(logger: Logger): void {
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  // Voice and stream libraries occasionally emit errors nobody listens to; one bad stream must not take every
  // guild's queue down with it, so these are logged and the bot keeps serving.
  process.on('uncaughtException', (error) => logger.error({ err: error }, 'uncaught exception'));
}

/** Replaced by the Keyv/SQLite store once it lands; keeps the app runnable meanwhile. */
function interimStore(): KeyValueStore {
  const map = new Map<string, unknown>();
  return {
    get: async <T>(key: string) => map.get(key) as T | undefined,
    set: async (key, value) => void map.set(key, value),
    delete: async (key) => map.delete(key),
    keys: async (prefix) => [...map.keys()].filter((k) => k.startsWith(prefix)),
  };
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger({ level: config.logLevel, pretty: config.logPretty, secrets: [config.token] });
  guardProcess(logger);
  mkdirSync(config.dataDir, { recursive: true });
  const app = createApp({ config, logger, clock: systemClock, store: interimStore() });
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(0), SHUTDOWN_DEADLINE_MS).unref();
    void app.stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  try {
    await app.start();
  } catch (error) {
    const invalid = error instanceof Error && /TokenInvalid|401|An invalid token/i.test(`${error.name} ${error.message}`);
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
