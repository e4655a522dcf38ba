import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KeyValueStore } from '../ports/store.js';
import type { Clock } from '../ports/clock.js';
import { randomToken, sha256Hex } from './web-crypto.js';

/** The session cookie's name (signed, HttpOnly, SameSite=Lax; Secure when PUBLIC_URL is https). */
export const SESSION_COOKIE = 'tunebot_session';
/** How long a login lasts. */
export const SESSION_TTL_MS = 7 * 24 * 60 * 60_000;

/** The Discord user behind a session or token, as /api/me shows them. */
export interface WebUser {
  readonly id: string;
  readonly username: string;
  readonly globalName: string | null;
  readonly avatar: string | null;
}

/** A logged-in browser, kept in the store under the SHA-256 of its id (the store never holds the cookie). */
export interface WebSession {
  readonly user: WebUser;
  /** The servers Discord listed for the user at login (`guilds` scope). */
  readonly guildIds: readonly string[];
  /** What state-changing requests must echo in `x-csrf-token`. */
  readonly csrfToken: string;
  readonly expiresAt: number;
}

const key = (id: string): string => `web:session:${sha256Hex(id)}`;

/** Server-side sessions: the cookie carries only a random id, so logging out really ends the session. */
export class WebSessions {
  constructor(
    private readonly store: KeyValueStore,
    private readonly clock: Clock,
  ) {}

  async create(user: WebUser, guildIds: readonly string[]): Promise<{ id: string; session: WebSession }> {
    const id = randomToken();
    const session: WebSession = {
      user,
      guildIds,
      csrfToken: randomToken(),
      expiresAt: this.clock.now() + SESSION_TTL_MS,
    };
    await this.store.set(key(id), session, SESSION_TTL_MS);
    return { id, session };
  }

  async get(id: string): Promise<WebSession | undefined> {
    const session = await this.store.get<WebSession>(key(id));
    return session && session.expiresAt > this.clock.now() ? session : undefined;
  }

  async delete(id: string): Promise<void> {
    await this.store.delete(key(id));
  }
}

/** Cookie attributes shared by the session and the login-state cookies. */
export function cookieOptions(secure: boolean, maxAgeMs: number, path = '/') {
  return { path, httpOnly: true, sameSite: 'lax' as const, secure, signed: true, maxAge: Math.floor(maxAgeMs / 1000) };
}

/** The value of a signed cookie, or undefined when it is missing or its signature is wrong. */
export function signedCookie(request: FastifyRequest, name: string): string | undefined {
  const raw = request.cookies[name];
  if (!raw) return undefined;
  const result = request.unsignCookie(raw);
  return result.valid && result.value ? result.value : undefined;
}

export function setSessionCookie(reply: FastifyReply, id: string, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, id, cookieOptions(secure, SESSION_TTL_MS));
}
