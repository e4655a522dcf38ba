import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { basePermissions } from './permissions.js';
import { sharedOpenApiValidator } from './openapi-validator.js';
import type { RestServer } from './rest-server.js';
import { ok } from './rest-types.js';
import type { RouteContext, RouteResult } from './rest-types.js';
import type { World } from './world.js';

/**
 * Discord's OAuth2 authorization-code grant with PKCE, as documented (discord.com/developers/docs/topics/oauth2):
 *
 * - `GET /oauth2/authorize` (a page, outside /api): checks response_type, client_id, redirect_uri, scope and the
 *   S256 challenge, and shows a tiny consent page whose "Authorize" link (`data-testid="oauth-authorize"`) goes to
 *   `redirect_uri?code=…&state=…` ("Cancel": `?error=access_denied&state=…`). **Who logs in**: the `login_as`
 *   query parameter (a username or id), else the `offline_discord_user` cookie on the fake's origin (a browser
 *   test sets it), else `oauth.defaultUser`.
 * - `POST /api/v10/oauth2/token` (form-encoded): verifies client_id/client_secret (body or HTTP Basic), the code
 *   (once, 10 minutes), redirect_uri and code_verifier against the challenge; answers
 *   `{ access_token, token_type: 'Bearer', expires_in, refresh_token, scope }` or `{ error: 'invalid_grant' }`.
 * - `GET /api/v10/users/@me` and `/users/@me/guilds` with `Authorization: Bearer <access_token>` (`identify`,
 *   `guilds`), answers validated against the spec's response schemas. `/users/@me` with the bot token is the bot.
 */
export class OAuthState {
  /** OAUTH client secret the bot must present (its DISCORD_CLIENT_SECRET in tests). */
  clientSecret = 'offline-client-secret';
  /** Who logs in when neither `login_as` nor the cookie says (a user id). */
  defaultUser: string | undefined;
  /** Allowed redirect URIs; empty: any http(s) URI (as if registered in the portal). */
  readonly redirectUris: string[] = [];
  readonly codes = new Map<string, Grant & { expiresAt: number }>();
  readonly tokens = new Map<string, Grant>();
}

interface Grant {
  readonly userId: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly challenge: string;
}

const CODE_TTL_MS = 10 * 60_000;
const page = (status: number, body: string) => ({
  status,
  body: `<!doctype html><html lang="en"><meta charset="utf-8"><title>Discord</title><body>${body}</body></html>`,
});
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function registerOAuthRoutes(rest: RestServer, world: World, state: OAuthState): void {
  rest.page('/oauth2/authorize', (url, req) => authorizePage(url, req, world, state));
  rest.route('POST', '/oauth2/token', (ctx) => exchange(ctx, world, state), { auth: false, spec: false });
  rest.route(
    'GET',
    '/users/@me',
    (ctx) => {
      if (!ctx.headers.authorization?.startsWith('Bearer ')) return ok(world.bot); // the server checked the bot token
      const grant = bearer(ctx, state, 'identify');
      if (!grant) return unauthorized(ctx);
      const user = world.users.get(grant.userId);
      const body = { ...user, discriminator: '0', public_flags: 0, flags: 0, mfa_enabled: false, locale: 'en-US' };
      return checked(ctx, '/users/@me', body);
    },
    { auth: 'bearer-too' },
  );
  rest.route(
    'GET',
    '/users/@me/guilds',
    (ctx) => {
      const grant = bearer(ctx, state, 'guilds');
      if (!grant) return unauthorized(ctx);
      const guilds = [...world.guilds.values()].filter((g) => g.members.has(grant.userId));
      const body = guilds.map((g) => {
        const permissions = basePermissions({
          guildId: g.id,
          ownerId: g.ownerId,
          userId: grant.userId,
          memberRoleIds: g.members.get(grant.userId)?.roles ?? [],
          roles: g.roles,
        });
        return {
          id: g.id,
          name: g.name,
          icon: null,
          banner: null,
          owner: g.ownerId === grant.userId,
          permissions: permissions.toString(),
          features: [],
        };
      });
      return checked(ctx, '/users/@me/guilds', body);
    },
    { auth: 'bearer-too' },
  );
}

function authorizePage(url: URL, req: IncomingMessage, world: World, state: OAuthState) {
  const q = url.searchParams;
  const redirectUri = q.get('redirect_uri') ?? '';
  const scopes = (q.get('scope') ?? '').split(/[\s+]+/).filter(Boolean);
  const problems = [
    q.get('response_type') !== 'code' && 'response_type must be code',
    q.get('client_id') !== world.applicationId && 'unknown client_id',
    !/^https?:\/\//.test(redirectUri) && 'redirect_uri must be an http(s) URL',
    state.redirectUris.length > 0 && !state.redirectUris.includes(redirectUri) && 'redirect_uri is not registered',
    !scopes.includes('identify') && 'scope must include identify',
    q.get('code_challenge_method') !== 'S256' && 'code_challenge_method must be S256',
    !/^[\w-]{43,128}$/.test(q.get('code_challenge') ?? '') && 'code_challenge missing',
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length > 0) return page(400, `<p>Invalid OAuth2 request: ${escapeHtml(problems.join('; '))}</p>`);
  const who = q.get('login_as') ?? cookie(req, 'offline_discord_user') ?? state.defaultUser;
  const user = who ? (world.users.get(who) ?? world.userByName(who)) : undefined;
  if (!user) return page(400, '<p>Nobody is logged in to the offline Discord (login_as, offline_discord_user).</p>');
  const code = randomBytes(16).toString('hex');
  state.codes.set(code, {
    userId: user.id,
    clientId: world.applicationId,
    redirectUri,
    scopes,
    challenge: q.get('code_challenge') ?? '',
    expiresAt: Date.now() + CODE_TTL_MS,
  });
  const back = (params: Record<string, string>) => {
    const target = new URL(redirectUri);
    for (const [k, v] of Object.entries({ ...params, ...(q.get('state') ? { state: q.get('state') ?? '' } : {}) }))
      target.searchParams.set(k, v);
    return escapeHtml(target.toString());
  };
  return page(
    200,
    `<h1>${escapeHtml(world.bot.username)} wants to access your account</h1><p>Logged in as ${escapeHtml(user.username)}. ` +
      `Scopes: ${escapeHtml(scopes.join(', '))}.</p><a id="authorize" data-testid="oauth-authorize" role="button" ` +
      `href="${back({ code })}">Authorize</a> <a data-testid="oauth-cancel" href="${back({ error: 'access_denied' })}">Cancel</a>`,
  );
}

function exchange(ctx: RouteContext, world: World, state: OAuthState): RouteResult {
  const form = (ctx.body ?? {}) as Record<string, string | undefined>;
  const basic = /^Basic (.+)$/.exec(ctx.headers.authorization ?? '')?.[1];
  const [basicId, basicSecret] = basic ? Buffer.from(basic, 'base64').toString().split(':') : [];
  const clientId = form.client_id ?? basicId;
  const secret = form.client_secret ?? basicSecret;
  if (!String(ctx.headers['content-type']).startsWith('application/x-www-form-urlencoded'))
    ctx.violate('POST /oauth2/token must be application/x-www-form-urlencoded');
  if (clientId !== world.applicationId || secret !== state.clientSecret)
    return { status: 401, body: { error: 'invalid_client' } };
  if (form.grant_type !== 'authorization_code') return { status: 400, body: { error: 'unsupported_grant_type' } };
  const grant = state.codes.get(form.code ?? '');
  state.codes.delete(form.code ?? '');
  const verified = createHash('sha256')
    .update(form.code_verifier ?? '')
    .digest('base64url');
  if (!grant || grant.expiresAt < Date.now() || grant.redirectUri !== form.redirect_uri || grant.challenge !== verified)
    return { status: 400, body: { error: 'invalid_grant' } };
  const accessToken = randomBytes(20).toString('hex');
  state.tokens.set(accessToken, grant);
  return ok({
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: 604_800,
    refresh_token: randomBytes(20).toString('hex'),
    scope: grant.scopes.join(' '),
  });
}

function bearer(ctx: RouteContext, state: OAuthState, scope: string): Grant | undefined {
  const token = /^Bearer (.+)$/.exec(ctx.headers.authorization ?? '')?.[1];
  const grant = token ? state.tokens.get(token) : undefined;
  return grant?.scopes.includes(scope) ? grant : undefined;
}

function unauthorized(ctx: RouteContext): RouteResult {
  ctx.violate('missing or wrong bearer token (or scope) for an OAuth2 route');
  return { status: 401, body: { message: '401: Unauthorized', code: 0 } };
}

/** Answers `body`, recording a violation when it is not the spec's documented shape (a bug in the fake). */
function checked(ctx: RouteContext, template: string, body: unknown): RouteResult {
  const result = sharedOpenApiValidator().validateResponse(template, 'GET', 200, body);
  if (result.errors.length > 0) ctx.violate(`the fake's ${template} answer is not the documented shape`, result.errors);
  return ok(body);
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}
