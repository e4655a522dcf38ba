import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifySchema } from 'fastify';
import type { WebConfig } from '../config-web.js';
import { UserError } from '../core/errors.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { KeyValueStore } from '../ports/store.js';
import { registerAccountRoutes } from './account-routes.js';
import { ApiTokens } from './api-tokens.js';
import { requireAuth } from './auth.js';
import { registerAuthRoutes } from './auth-routes.js';
import { registerEventsRoute } from './events-route.js';
import { DiscordOAuth } from './oauth-client.js';
import { registerPlayerRoutes } from './player-routes.js';
import { registerPlaylistRoutes } from './playlist-routes.js';
import { registerQueueRoutes } from './queue-routes.js';
import { SHARED_SCHEMAS } from './schemas.js';
import { WebSessions } from './session-cookie.js';
import { DEFAULT_PAGE_DIR, registerStaticPage } from './static-page.js';
import { errorBody, installErrorHandler, statusOf } from './web-errors.js';
import type { GuildDirectory, WebPlayer } from './web-ports.js';

export interface WebServerOptions {
  readonly config: WebConfig;
  /** DISCORD_API_URL (with `/api`), for the OAuth2 token exchange and the user's reads. */
  readonly apiUrl: string;
  /** The OAuth2 client id: DISCORD_CLIENT_ID, else the bot's application id once logged in. */
  readonly clientId: () => string;
  readonly store: KeyValueStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly guilds: GuildDirectory;
  readonly player: WebPlayer;
  /** The page's build (default `<repo>/dist/web`). */
  readonly pageDir?: string;
  readonly fetch?: typeof fetch;
}

/** The Content-Security-Policy of every answer: the page may load only its own scripts and styles. */
export const CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' https: data:; frame-ancestors 'none'";

/**
 * The web player and REST API: fastify with its standard plugins (signed cookies, helmet, rate limits,
 * OpenAPI from the route schemas), Discord login, and the player routes. Built without listening, so tests
 * drive it with `inject()`; `start`/`stop` are for the composition root.
 */
export async function buildWebServer(options: WebServerOptions): Promise<FastifyInstance> {
  const { config } = options;
  const hops = config.trustProxy;
  const app = Fastify({
    // A hop count trusts that many proxies in front (as proxy-addr counts them).
    trustProxy: typeof hops === 'number' ? (_address: string, index: number) => index < hops : hops,
    forceCloseConnections: true,
    bodyLimit: 16 * 1024,
    // Unknown body fields are refused (additionalProperties: false), not silently dropped.
    ajv: { customOptions: { removeAdditional: false } },
  });
  // A control without a body may still say `content-type: application/json`: an empty body is no body.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(String(text)));
    } catch {
      done(new UserError('INVALID_ARGUMENT'), undefined);
    }
  });
  await app.register(fastifyCookie, { secret: config.sessionSecret });
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'https:', 'data:'], frameAncestors: ["'none'"] },
    },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    // HSTS belongs to the TLS terminator (docs/web.md): on plain http it would be wrong.
    strictTransportSecurity: config.publicUrl.startsWith('https:'),
  });
  await app.register(fastifyRateLimit, {
    max: config.rateLimit.capacity,
    timeWindow: config.rateLimit.perMs,
    errorResponseBuilder: () => {
      const error = new UserError('RATE_LIMITED');
      return Object.assign(error, { statusCode: statusOf('RATE_LIMITED') });
    },
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'tunebot web API', version: '1', description: 'See docs/web.md.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'tunebot_session' },
          token: { type: 'http', scheme: 'bearer', description: 'A personal API token (tb_…)' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
    // The error answers set aside by documentErrorsOnly go back into the document.
    transform: ({ schema, url }) => {
      const { [ERROR_RESPONSES]: failures, ...rest } = (schema ?? {}) as Record<string, unknown>;
      const response = { ...(rest.response as object | undefined), ...(failures as object | undefined) };
      return { schema: { ...rest, ...(Object.keys(response).length > 0 ? { response } : {}) }, url };
    },
  });
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  documentErrorsOnly(app);
  installErrorHandler(app, options.logger);
  registerRoutes(app, options);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await registerStaticPage(app, options.pageDir ?? DEFAULT_PAGE_DIR);
  return app;
}

const ERROR_RESPONSES = 'x-error-responses';

/**
 * Error bodies are small and built only from the catalogue, so they are serialized with JSON.stringify: their
 * schemas stay in the OpenAPI document (the swagger transform puts them back) but are not compiled into a
 * serializer for every (route, status) pair, which stalled start-up by seconds on a small machine.
 */
function documentErrorsOnly(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const response = route.schema?.response as Record<string, unknown> | undefined;
    if (!response) return;
    const entries = Object.entries(response);
    route.schema = {
      ...route.schema,
      response: Object.fromEntries(entries.filter(([status]) => Number(status) < 400)),
      [ERROR_RESPONSES]: Object.fromEntries(entries.filter(([status]) => Number(status) >= 400)),
    } as FastifySchema;
  });
}

function registerRoutes(app: FastifyInstance, options: WebServerOptions): void {
  const { config, store, clock } = options;
  const sessions = new WebSessions(store, clock);
  const tokens = new ApiTokens(store, clock);
  const oauth = new DiscordOAuth({
    oauthUrl: config.oauthUrl,
    apiUrl: options.apiUrl,
    clientId: options.clientId,
    clientSecret: config.clientSecret,
    redirectUri: `${config.publicUrl}/auth/callback`,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  registerAuthRoutes(app, { sessions, tokens, oauth, store, secure: config.publicUrl.startsWith('https:') });
  const guildDeps = { guilds: options.guilds, player: options.player, clock };
  app.register(async (api) => {
    api.addHook('preHandler', requireAuth({ sessions, tokens }));
    registerAccountRoutes(api, { guilds: options.guilds, tokens });
    registerPlayerRoutes(api, guildDeps);
    registerQueueRoutes(api, guildDeps);
    registerPlaylistRoutes(api, guildDeps);
    registerEventsRoute(api, guildDeps);
  });
}

/** A running web server for the composition root. */
export interface WebServer {
  readonly app: FastifyInstance;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const app = await buildWebServer(options);
  await app.listen({ port: options.config.port, host: options.config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.config.port;
  options.logger.info({ port, publicUrl: options.config.publicUrl }, 'web player listening');
  return { app, port, stop: () => app.close() };
}

export { errorBody };
