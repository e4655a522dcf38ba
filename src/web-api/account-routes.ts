import type { FastifyInstance } from 'fastify';
import type { ApiTokens } from './api-tokens.js';
import { authOf } from './auth.js';
import { responses } from './schemas.js';
import type { GuildDirectory } from './web-ports.js';
import { webError } from './web-errors.js';

export interface AccountRouteDeps {
  readonly guilds: GuildDirectory;
  readonly tokens: ApiTokens;
}

const guildList = {
  type: 'object',
  required: ['guilds'],
  additionalProperties: false,
  properties: {
    guilds: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name', 'iconUrl', 'playing'],
        additionalProperties: false,
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          iconUrl: { type: ['string', 'null'] },
          playing: { type: 'boolean' },
        },
      },
    },
  },
} as const;

const tokenInfo = {
  type: 'object',
  required: ['id', 'name', 'createdAt', 'lastUsedAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

/** The caller's servers (shared with the bot) and their personal API tokens. */
export function registerAccountRoutes(app: FastifyInstance, deps: AccountRouteDeps): void {
  app.get(
    '/api/guilds',
    { schema: { tags: ['guilds'], response: responses({ 200: guildList }, 401) } },
    async (request) => {
      const auth = authOf(request);
      return {
        guilds: await deps.guilds.shared(auth.user, auth.kind === 'cookie' ? auth.session.guildIds : undefined),
      };
    },
  );
  app.get(
    '/api/tokens',
    {
      schema: {
        tags: ['tokens'],
        response: responses(
          {
            200: {
              type: 'object',
              required: ['tokens'],
              additionalProperties: false,
              properties: { tokens: { type: 'array', items: tokenInfo } },
            },
          },
          401,
        ),
      },
    },
    async (request) => ({ tokens: await deps.tokens.list(authOf(request).user.id) }),
  );
  app.post(
    '/api/tokens',
    {
      schema: {
        tags: ['tokens'],
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1, maxLength: 64 } },
        },
        response: responses(
          {
            201: {
              type: 'object',
              required: ['id', 'name', 'token'],
              additionalProperties: false,
              properties: { id: { type: 'string' }, name: { type: 'string' }, token: { type: 'string' } },
            },
          },
          400,
          401,
          403,
          409,
        ),
      },
    },
    async (request, reply) => {
      const created = await deps.tokens.create(authOf(request).user, (request.body as { name: string }).name.trim());
      return reply.code(201).send(created);
    },
  );
  app.delete(
    '/api/tokens/:id',
    {
      schema: {
        tags: ['tokens'],
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } },
        response: responses({ 204: { type: 'null' } }, 401, 403, 404),
      },
    },
    async (request, reply) => {
      if (!(await deps.tokens.revoke(authOf(request).user.id, (request.params as { id: string }).id)))
        throw webError(404, 'TOKEN_NOT_FOUND');
      return reply.code(204).send();
    },
  );
}
