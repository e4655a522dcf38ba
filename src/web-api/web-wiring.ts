import type { Client } from 'discord.js';
import type { CommandDeps } from '../commands/command.js';
import type { Config } from '../config.js';
import type { KeyValueStore } from '../ports/store.js';
import { discordGuildDirectory, discordWebPlayer } from './discord-bridge.js';
import type { WebServer } from './web-server.js';

export type { WebServer } from './web-server.js';

/**
 * Starts the web player and API when WEB_ENABLED (undefined otherwise), over the same dependencies as the
 * slash commands. The OAuth2 client id is DISCORD_CLIENT_ID or the bot's application id once logged in.
 */
export async function startWebApi(
  client: Client,
  deps: CommandDeps,
  store: KeyValueStore,
  config: Config,
): Promise<WebServer | undefined> {
  const web = config.web;
  if (!web) return undefined;
  const logger = deps.logger.child({ component: 'web' });
  // fastify and its plugins load only when the web is on: a bot without it starts as fast as before.
  const { startWebServer } = await import('./web-server.js');
  // Like the health endpoint: a taken port is logged and the bot plays on without its web player.
  return startWebServer({
    config: web,
    apiUrl: config.apiUrl,
    clientId: () => web.clientId ?? client.application?.id ?? client.user?.id ?? '',
    store,
    clock: deps.clock,
    logger,
    guilds: discordGuildDirectory(client, deps),
    player: discordWebPlayer(client, deps),
  }).catch((error: unknown) => {
    logger.error({ err: error, port: web.port }, 'the web player could not start (is WEB_PORT taken?)');
    return undefined;
  });
}
