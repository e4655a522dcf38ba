import type { FastifyInstance, FastifyReply } from 'fastify';
import { renderError, type PlainErrorCode } from '../core/errors.js';
import type { KeyValueStore } from '../ports/store.js';
import { authOf, requireAuth, type AuthDeps } from './auth.js';
import type { DiscordOAuth } from './oauth-client.js';
import { responses } from './schemas.js';
import { cookieOptions, SESSION_COOKIE, setSessionCookie, signedCookie } from './session-cookie.js';
import { pkceChallenge, randomToken } from './web-crypto.js';
import { WebError } from './web-errors.js';

/** The login-state cookie: binds the `state` Discord sends back to the browser that started the login. */
export const STATE_COOKIE = 'tunebot_oauth';
const STATE_TTL_MS = 10 * 60_000;
const stateKey = (state: string): string => `web:oauth:${state}`;

export interface AuthRouteDeps extends AuthDeps {
  readonly oauth: DiscordOAuth;
  readonly store: KeyValueStore;
  /** Cookies get `Secure` when PUBLIC_URL is https. */
  readonly secure: boolean;
}

const userSchema = {
  type: 'object',
  required: ['id', 'username', 'globalName', 'avatarUrl'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    username: { type: 'string' },
    globalName: { type: ['string', 'null'] },
    avatarUrl: { type: ['string', 'null'] },
  },
} as const;

/** Login with Discord (authorization code + PKCE + state), logout, and who is logged in. */
export function registerAuthRoutes(app: FastifyInstance, deps: AuthRouteDeps): void {
  app.get('/auth/login', { schema: { tags: ['auth'], response: { 302: { type: 'null' } } } }, async (_req, reply) => {
    const state = randomToken();
    const verifier = randomToken();
    await deps.store.set(stateKey(state), { verifier }, STATE_TTL_MS);
    reply.setCookie(STATE_COOKIE, state, cookieOptions(deps.secure, STATE_TTL_MS, '/auth'));
    return reply.redirect(deps.oauth.authorizeUrl(state, pkceChallenge(verifier)), 302);
  });

  app.get(
    '/auth/callback',
    {
      schema: {
        tags: ['auth'],
        querystring: {
          type: 'object',
          properties: { code: { type: 'string' }, state: { type: 'string' }, error: { type: 'string' } },
        },
        response: { 302: { type: 'null' }, 400: { type: 'string' }, 502: { type: 'string' } },
      },
    },
    async (request, reply) => {
      const { code, state, error } = request.query as { code?: string; state?: string; error?: string };
      const expected = signedCookie(request, STATE_COOKIE);
      reply.clearCookie(STATE_COOKIE, { path: '/auth' });
      // One use only, and only by the browser that started it: the record is deleted whatever happens next.
      const record =
        state && state === expected ? await deps.store.get<{ verifier: string }>(stateKey(state)) : undefined;
      if (state) await deps.store.delete(stateKey(state));
      if (record && error) return page(reply, 400, 'LOGIN_CANCELLED');
      if (!record || !code) return page(reply, 400, 'LOGIN_STATE');
      try {
        const accessToken = await deps.oauth.exchange(code, record.verifier);
        const { user, guildIds } = await deps.oauth.profile(accessToken);
        const { id } = await deps.sessions.create(user, guildIds);
        setSessionCookie(reply, id, deps.secure);
        return reply.redirect('/', 302);
      } catch (error) {
        if (error instanceof WebError) return page(reply, 502, 'LOGIN_FAILED');
        throw error;
      }
    },
  );

  app.register(async (api) => {
    api.addHook('preHandler', requireAuth(deps));
    api.post(
      '/auth/logout',
      { schema: { tags: ['auth'], response: responses({ 204: { type: 'null' } }, 401, 403) } },
      async (request, reply) => {
        const auth = authOf(request);
        if (auth.kind === 'cookie') await deps.sessions.delete(auth.sessionId);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.code(204).send();
      },
    );
    api.get(
      '/api/me',
      {
        schema: {
          tags: ['auth'],
          response: responses(
            {
              200: {
                type: 'object',
                required: ['user', 'csrfToken'],
                additionalProperties: false,
                properties: { user: userSchema, csrfToken: { type: 'string' } },
              },
            },
            401,
          ),
        },
      },
      async (request) => {
        const auth = authOf(request);
        const { id, username, globalName, avatar } = auth.user;
        const avatarUrl = avatar ? `https://cdn.discordapp.com/avatars/${id}/${avatar}.png?size=128` : null;
        // Apps with a bearer token need no CSRF token: they send no cookie.
        return {
          user: { id, username, globalName, avatarUrl },
          csrfToken: auth.kind === 'cookie' ? auth.session.csrfToken : '',
        };
      },
    );
  });
}

/** A short HTML answer for the browser (the login pages are navigations, not API calls). */
function page(reply: FastifyReply, status: number, code: PlainErrorCode): FastifyReply {
  const text = renderError(code).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html lang="en"><meta charset="utf-8"><title>tunebot</title><p>${text}</p><p><a href="/auth/login">Log in again</a></p></html>`,
    );
}
