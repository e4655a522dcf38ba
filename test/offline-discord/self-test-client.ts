import { Client, Events, GatewayIntentBits } from 'discord.js';
import type { ClientOptions } from 'discord.js';
import type { OfflineDiscord } from './offline-discord.js';

/**
 * Logs a real discord.js Client into the fake inside the test process (gateway + REST only; voice needs
 * NODE_EXTRA_CA_CERTS, so voice self-tests use a child process instead). Destroy it in teardown.
 */
export async function loginClient(
  discord: OfflineDiscord,
  options: Partial<ClientOptions> = {},
): Promise<Client<true>> {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
    ...options,
    rest: { api: discord.apiUrl, ...options.rest },
  });
  const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(discord.token);
  return ready;
}
