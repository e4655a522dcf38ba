import type { FastifyInstance } from 'fastify';
import { MAX_QUERY_LENGTH } from '../core/query.js';
import { actorFor, type GuildRouteDeps } from './guild-context.js';
import { controlResponses, guildParams, messageRef, queueRef, responses } from './schemas.js';

const entryParams = {
  type: 'object',
  required: ['guildId', 'entryId'],
  properties: { guildId: guildParams.properties.guildId, entryId: { type: 'integer', minimum: 0 } },
} as const;

/** The queue: list, add by query (as `/play`), remove, move, clear, shuffle. */
export function registerQueueRoutes(app: FastifyInstance, deps: GuildRouteDeps): void {
  const base = '/api/guilds/:guildId/queue';
  const schema = (extra: object, response: object = controlResponses) => ({
    tags: ['queue'],
    params: guildParams,
    response,
    ...extra,
  });
  app.get(base, { schema: schema({}, responses({ 200: queueRef }, 400, 401, 404)) }, async (request) => {
    const actor = await actorFor(request, deps);
    return deps.player.queue(actor.guildId);
  });
  app.post(
    base,
    {
      schema: schema(
        {
          body: {
            type: 'object',
            required: ['query'],
            additionalProperties: false,
            properties: { query: { type: 'string', minLength: 1, maxLength: MAX_QUERY_LENGTH } },
          },
        },
        responses({ 202: messageRef }, 400, 401, 403, 404, 409),
      ),
    },
    async (request, reply) => {
      const actor = await actorFor(request, deps);
      const message = await deps.player.add(actor, (request.body as { query: string }).query);
      return reply.code(202).send({ message });
    },
  );
  app.delete(base, { schema: schema({}) }, async (request) => ({
    message: await deps.player.clear(await actorFor(request, deps)),
  }));
  app.delete(`${base}/:entryId`, { schema: schema({ params: entryParams }) }, async (request) => {
    const actor = await actorFor(request, deps);
    return { message: await deps.player.remove(actor, (request.params as { entryId: number }).entryId) };
  });
  app.post(
    `${base}/move`,
    {
      schema: schema({
        body: {
          type: 'object',
          required: ['entryId', 'toIndex'],
          additionalProperties: false,
          properties: { entryId: { type: 'integer', minimum: 0 }, toIndex: { type: 'integer', minimum: 0 } },
        },
      }),
    },
    async (request) => {
      const actor = await actorFor(request, deps);
      const { entryId, toIndex } = request.body as { entryId: number; toIndex: number };
      return { message: await deps.player.move(actor, entryId, toIndex) };
    },
  );
  app.post(`${base}/shuffle`, { schema: schema({}) }, async (request) => ({
    message: await deps.player.shuffle(await actorFor(request, deps)),
  }));
}
