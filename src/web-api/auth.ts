import type { FastifyRequest } from 'fastify';
import type { ApiTokens } from './api-tokens.js';
import { assertCsrf } from './csrf.js';
import { SESSION_COOKIE, signedCookie, type WebSession, type WebSessions, type WebUser } from './session-cookie.js';
import { webError } from './web-errors.js';

/** Who is calling: a browser with the session cookie, or an app with a personal API token. */
export type WebAuth =
  | { readonly kind: 'cookie'; readonly user: WebUser; readonly sessionId: string; readonly session: WebSession }
  | { readonly kind: 'token'; readonly user: WebUser };

declare module 'fastify' {
  interface FastifyRequest {
    webAuth?: WebAuth;
  }
}

export interface AuthDeps {
  readonly sessions: WebSessions;
  readonly tokens: ApiTokens;
}

/**
 * The preHandler of every /api route: a bearer token (`Authorization: Bearer tb_…`) or the signed session
 * cookie, else 401. Cookie-authenticated state changes must also carry the CSRF token (csrf.ts).
 */
export function requireAuth(deps: AuthDeps) {
  return async (request: FastifyRequest): Promise<void> => {
    request.webAuth = await authenticate(request, deps);
    if (request.webAuth.kind === 'cookie') assertCsrf(request, request.webAuth.session.csrfToken);
  };
}

async function authenticate(request: FastifyRequest, deps: AuthDeps): Promise<WebAuth> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const user = match?.[1] ? await deps.tokens.verify(match[1]) : undefined;
    if (!user) throw webError(401, 'UNAUTHENTICATED');
    return { kind: 'token', user };
  }
  const sessionId = signedCookie(request, SESSION_COOKIE);
  const session = sessionId ? await deps.sessions.get(sessionId) : undefined;
  if (!sessionId || !session) throw webError(401, 'UNAUTHENTICATED');
  return { kind: 'cookie', user: session.user, sessionId, session };
}

/** The caller of an authenticated route (the preHandler has run). */
export function authOf(request: FastifyRequest): WebAuth {
  if (!request.webAuth) throw webError(401, 'UNAUTHENTICATED');
  return request.webAuth;
}
