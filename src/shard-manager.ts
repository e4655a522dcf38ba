import { fileURLToPath } from 'node:url';
import { ConfigError, loadEnv, parseConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { fetchGatewayBot, GatewayBotError } from './ops/gateway-bot.js';
import { parseShardCount, type ShardCount } from './ops/shard-config.js';
import { CONFIG_EXIT_CODE, ShardSupervisor } from './ops/shard-supervisor.js';
import type { Logger } from './ports/logger.js';

/**
 * `npm run start:sharded` → `node dist/shard-manager.js`: one child process per shard, each running
 * dist/main.js exactly as `npm start` would (same .env, same config), with discord.js passing it SHARDS (its
 * shard id) and SHARD_COUNT. SHARDS here means how many: `auto` (Discord's recommendation, asked at
 * DISCORD_API_URL) or a number. Exit codes: 0 after a signal, 1 when Discord cannot be asked, 2 for a
 * configuration error (here or reported by a shard).
 */
async function main(): Promise<void> {
  const { config, shards } = readSettings();
  const logger = createLogger({ level: config.logLevel, pretty: config.logPretty, secrets: [config.token] });
  const totalShards = await resolveShardCount(shards, config, logger);
  const supervisor = new ShardSupervisor({
    file: fileURLToPath(new URL('./main.js', import.meta.url)),
    token: config.token,
    totalShards,
    logger,
    onFatal: () => void stop('SIGTERM', CONFIG_EXIT_CODE),
  });
  let stopping = false;
  const stop = async (signal: NodeJS.Signals, exitCode = 0): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await supervisor.shutdown(signal);
    logger.info('all shards stopped');
    process.exit(exitCode);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  await supervisor.start();
}

function readSettings(): { config: Config; shards: ShardCount } {
  const env = loadEnv(process.cwd());
  const problems: string[] = [];
  let config: Config | undefined;
  let shards: ShardCount = 'auto';
  try {
    config = parseConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  try {
    shards = parseShardCount(env.SHARDS);
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (!config || problems.length > 0) {
    const list = problems.map((p) => `  - ${p}`).join('\n');
    process.stderr.write(
      `Configuration problems:\n${list}\n\nFix these in .env or the environment (see .env.example), then start again.\n`,
    );
    process.exit(CONFIG_EXIT_CODE);
  }
  return { config, shards };
}

async function resolveShardCount(shards: ShardCount, config: Config, logger: Logger): Promise<number> {
  if (shards !== 'auto') return shards;
  try {
    const info = await fetchGatewayBot(config.apiUrl, config.token);
    const limit = info.sessionStartLimit;
    logger.info({ shards: info.shards, sessionStartLimit: limit }, 'Discord recommends this many shards');
    if (limit && limit.remaining < info.shards) {
      logger.warn(
        { remaining: limit.remaining, resetAfterMs: limit.resetAfterMs },
        'daily session starts nearly used up: some shards will wait to identify',
      );
    }
    return info.shards;
  } catch (error) {
    const message =
      error instanceof GatewayBotError ? error.message : `Could not get the shard count: ${String(error)}`;
    logger.error({ err: error }, 'could not get the recommended shard count');
    process.stderr.write(`${message}\n`);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `shard manager crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
