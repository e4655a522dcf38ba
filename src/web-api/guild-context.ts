import type { FastifyRequest } from 'fastify';
import type { Actor } from '../controls/control-guard.js';
import { authOf } from './auth.js';
import type { GuildDirectory, WebPlayer } from './web-ports.js';

/** What the guild routes share. */
export interface GuildRouteDeps {
  readonly guilds: GuildDirectory;
  readonly player: WebPlayer;
}

/**
 * The caller as a member of the guild in the URL: the id is checked against the caller (GUILD_NOT_FOUND,
 * 404, when either the bot or the caller is not in it), so no route reads or changes another server.
 */
export function actorFor(request: FastifyRequest, deps: GuildRouteDeps): Promise<Actor> {
  const { guildId } = request.params as { guildId: string };
  return deps.guilds.actor(authOf(request).user.id, guildId);
}
