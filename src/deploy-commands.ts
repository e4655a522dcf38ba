import { REST, Routes, type APIUser } from 'discord.js';
import { commands } from './commands/index.js';
import { ConfigError, loadEnv, parseConfig, type Config } from './config.js';

/** `npm run deploy-commands`: registers the slash commands without starting the bot (global or DEV_GUILD_ID). */
async function deploy(): Promise<void> {
  let config: Config;
  try {
    config = parseConfig(loadEnv(process.cwd()));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const rest = new REST({ api: config.apiUrl }).setToken(config.token);
  const me = (await rest.get(Routes.user())) as APIUser;
  const body = commands.map((c) => c.data);
  const route = config.devGuildId
    ? Routes.applicationGuildCommands(me.id, config.devGuildId)
    : Routes.applicationCommands(me.id);
  await rest.put(route, { body });
  process.stdout.write(
    `Registered ${body.length} commands ${config.devGuildId ? `in guild ${config.devGuildId}` : 'globally'}.\n`,
  );
}

deploy().catch(() => {
  process.stderr.write('Could not register commands: check DISCORD_TOKEN and the network.\n');
  process.exit(1);
});
