import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Clock, TimerHandle } from '../ports/clock.js';
import { actorFor, type GuildRouteDeps } from './guild-context.js';
import { guildParams, responses } from './schemas.js';

/** A comment line every 25 s keeps proxies from closing an idle stream. */
export const PING_INTERVAL_MS = 25_000;
/** Changes closer together than this are sent once (a skip is several session events). */
const COALESCE_MS = 50;

/**
 * `GET /api/guilds/{id}/events`: server-sent events. `player` (the /player body) and `queue` (the /queue body)
 * once at connect and after every change of the guild's session; `: ping` every 25 s. The stream is written on
 * the raw response (hijacked), with the security headers the hooks already put on the reply.
 */
export function registerEventsRoute(app: FastifyInstance, deps: GuildRouteDeps & { readonly clock: Clock }): void {
  const streams = new Set<ServerResponse>();
  // Open streams would keep `close()` waiting: they end first, and browsers reconnect (EventSource retries).
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end();
  });
  app.get(
    '/api/guilds/:guildId/events',
    {
      schema: {
        tags: ['events'],
        params: guildParams,
        response: responses(
          {
            200: {
              description: 'Server-sent events `player` (a Player) and `queue` (a Queue); `: ping` every 25 s',
              content: { 'text/event-stream': { schema: { type: 'string' } } },
            },
          },
          400,
          401,
          404,
        ),
      },
    },
    async (request, reply) => {
      const actor = await actorFor(request, deps);
      const guildId = actor.guildId;
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const send = () => {
        raw.write(`event: player\ndata: ${JSON.stringify(deps.player.player(guildId))}\n\n`);
        raw.write(`event: queue\ndata: ${JSON.stringify(deps.player.queue(guildId))}\n\n`);
      };
      let pending: TimerHandle | undefined;
      const changed = () => {
        if (pending !== undefined) return;
        pending = deps.clock.setTimeout(() => {
          pending = undefined;
          send();
        }, COALESCE_MS);
      };
      let ping: TimerHandle | undefined;
      const schedulePing = () => {
        ping = deps.clock.setTimeout(() => {
          raw.write(': ping\n\n');
          schedulePing();
        }, PING_INTERVAL_MS);
      };
      streams.add(raw);
      const unsubscribe = deps.player.watch(guildId, changed);
      send();
      schedulePing();
      request.raw.on('close', () => {
        unsubscribe();
        if (pending !== undefined) deps.clock.clearTimeout(pending);
        if (ping !== undefined) deps.clock.clearTimeout(ping);
        streams.delete(raw);
      });
    },
  );
}
