import type { FastifyInstance } from 'fastify';
import type { Actor } from '../controls/control-guard.js';
import { actorFor, type GuildRouteDeps } from './guild-context.js';
import { controlResponses, guildParams, playerRef, responses } from './schemas.js';

type Control = (deps: GuildRouteDeps, actor: Actor, body: Record<string, unknown>) => Promise<string>;

const body = (name: string, schema: object) => ({
  type: 'object',
  required: [name],
  additionalProperties: false,
  properties: { [name]: schema },
});

/** The controls: the same actions as /pause, /resume, /skip, /previous, /seek, /volume, /loop, /filter. */
const CONTROLS: readonly { method: 'POST' | 'PUT'; path: string; body?: object; run: Control }[] = [
  { method: 'POST', path: 'pause', run: (d, a) => d.player.pause(a) },
  { method: 'POST', path: 'resume', run: (d, a) => d.player.resume(a) },
  { method: 'POST', path: 'skip', run: (d, a) => d.player.skip(a) },
  { method: 'POST', path: 'previous', run: (d, a) => d.player.previous(a) },
  {
    method: 'POST',
    path: 'seek',
    body: body('positionMs', { type: 'integer', minimum: 0 }),
    run: (d, a, b) => d.player.seek(a, b.positionMs as number),
  },
  {
    method: 'PUT',
    path: 'volume',
    body: body('percent', { type: 'integer', minimum: 0, maximum: 200 }),
    run: (d, a, b) => d.player.volume(a, b.percent as number),
  },
  {
    method: 'PUT',
    path: 'loop',
    body: body('mode', { type: 'string', enum: ['off', 'track', 'queue'] }),
    run: (d, a, b) => d.player.loop(a, b.mode as 'off' | 'track' | 'queue'),
  },
  {
    method: 'PUT',
    path: 'filter',
    body: body('preset', { type: 'string', maxLength: 32 }),
    run: (d, a, b) => d.player.filter(a, b.preset as string),
  },
];

export function registerPlayerRoutes(app: FastifyInstance, deps: GuildRouteDeps): void {
  app.get(
    '/api/guilds/:guildId/player',
    { schema: { tags: ['player'], params: guildParams, response: responses({ 200: playerRef }, 400, 401, 404) } },
    async (request) => {
      const actor = await actorFor(request, deps);
      return deps.player.player(actor.guildId);
    },
  );
  for (const control of CONTROLS) {
    app.route({
      method: control.method,
      url: `/api/guilds/:guildId/player/${control.path}`,
      schema: {
        tags: ['player'],
        params: guildParams,
        ...(control.body ? { body: control.body } : {}),
        response: controlResponses,
      },
      handler: async (request) => {
        const actor = await actorFor(request, deps);
        return { message: await control.run(deps, actor, (request.body ?? {}) as Record<string, unknown>) };
      },
    });
  }
}
