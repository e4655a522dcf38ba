import type { FastifyRequest } from 'fastify';
import { webError } from './web-errors.js';
import { sameSecret } from './web-crypto.js';

/** The header a cookie-authenticated state change must carry (the token comes from GET /api/me). */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses a state-changing request made with the session cookie unless it echoes the session's CSRF token.
 * A cross-site form or fetch sends the cookie (SameSite=Lax still allows top-level POST navigations in some
 * browsers) but cannot read /api/me, so it cannot know the token. Bearer-token requests carry no cookie and
 * need no token.
 */
export function assertCsrf(request: FastifyRequest, expected: string): void {
  if (SAFE_METHODS.has(request.method)) return;
  const given = request.headers[CSRF_HEADER];
  if (typeof given !== 'string' || !sameSecret(given, expected)) throw webError(403, 'CSRF');
}
