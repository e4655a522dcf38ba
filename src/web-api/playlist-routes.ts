import type { FastifyInstance } from 'fastify';
import { PLAYLIST_NAME_MAX } from '../core/saved-playlist.js';
import { actorFor, type GuildRouteDeps } from './guild-context.js';
import { guildParams, messageRef, responses } from './schemas.js';

/** The caller's saved playlists (/playlist list) and loading one into this server's queue (/playlist load). */
export function registerPlaylistRoutes(app: FastifyInstance, deps: GuildRouteDeps): void {
  app.get(
    '/api/guilds/:guildId/playlists',
    {
      schema: {
        tags: ['playlists'],
        params: guildParams,
        response: responses(
          {
            200: {
              type: 'object',
              required: ['playlists'],
              additionalProperties: false,
              properties: {
                playlists: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['name', 'trackCount'],
                    additionalProperties: false,
                    properties: { name: { type: 'string' }, trackCount: { type: 'integer' } },
                  },
                },
              },
            },
          },
          400,
          401,
          404,
        ),
      },
    },
    async (request) => {
      const actor = await actorFor(request, deps);
      return { playlists: await deps.player.playlists(actor.member.id) };
    },
  );
  app.post(
    '/api/guilds/:guildId/playlists/:name/play',
    {
      schema: {
        tags: ['playlists'],
        params: {
          type: 'object',
          required: ['guildId', 'name'],
          properties: {
            guildId: guildParams.properties.guildId,
            name: { type: 'string', minLength: 1, maxLength: PLAYLIST_NAME_MAX },
          },
        },
        response: responses({ 202: messageRef }, 400, 401, 403, 404, 409),
      },
    },
    async (request, reply) => {
      const actor = await actorFor(request, deps);
      const message = await deps.player.playPlaylist(actor, (request.params as { name: string }).name);
      return reply.code(202).send({ message });
    },
  );
}
