import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfflineDiscord, type OfflineDiscord } from './index.js';

/** The offline Discord's OAuth2 endpoints follow Discord's documented flow and shapes (oauth-routes.ts). */
let discord: OfflineDiscord;
beforeAll(async () => {
  discord = await startOfflineDiscord();
});
afterAll(async () => {
  await discord?.close();
});

const verifier = 'v'.repeat(43);
const challenge = createHash('sha256').update(verifier).digest('base64url');
const redirect = 'http://127.0.0.1:9/auth/callback';

async function authorize(loginAs: string, extra: Record<string, string> = {}): Promise<Response> {
  const url = new URL('/oauth2/authorize', discord.rest.origin);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: discord.world.applicationId,
    scope: 'identify guilds',
    state: 'xyz',
    redirect_uri: redirect,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    login_as: loginAs,
    ...extra,
  }).toString();
  return fetch(url);
}

async function codeFor(loginAs: string): Promise<string> {
  const html = await (await authorize(loginAs)).text();
  const href = /data-testid="oauth-authorize" role="button" href="([^"]+)"/.exec(html)?.[1] ?? '';
  const target = new URL(href.replaceAll('&#38;', '&'));
  expect(target.origin + target.pathname).toBe(redirect);
  expect(target.searchParams.get('state')).toBe('xyz');
  return target.searchParams.get('code') ?? '';
}

const token = (form: Record<string, string>) =>
  fetch(`${discord.apiUrl}/v10/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: discord.world.applicationId,
      client_secret: discord.oauth.clientSecret,
      redirect_uri: redirect,
      code_verifier: verifier,
      ...form,
    }),
  });

describe('offline Discord OAuth2', () => {
  it('consent page → code → token → @me and @me/guilds (documented shapes, no violations)', async () => {
    const code = await codeFor('alice');
    const res = await token({ code });
    expect(res.status).toBe(200);
    const grant = (await res.json()) as Record<string, unknown>;
    expect(grant).toMatchObject({ token_type: 'Bearer', expires_in: 604800, scope: 'identify guilds' });
    const headers = { authorization: `Bearer ${grant.access_token}` };
    const me = (await (await fetch(`${discord.apiUrl}/v10/users/@me`, { headers })).json()) as { username: string };
    expect(me.username).toBe('alice');
    const guilds = (await (await fetch(`${discord.apiUrl}/v10/users/@me/guilds`, { headers })).json()) as {
      id: string;
    }[];
    expect(guilds.map((g) => g.id)).toEqual([discord.guild.id]);
    discord.assertNoViolations();
  });

  it('refuses a wrong verifier, a reused code, a wrong secret and a bad authorize request', async () => {
    const code = await codeFor('bob');
    expect(await (await token({ code, code_verifier: 'w'.repeat(43) })).json()).toEqual({ error: 'invalid_grant' });
    expect(await (await token({ code })).json()).toEqual({ error: 'invalid_grant' });
    expect((await token({ code: await codeFor('bob'), client_secret: 'nope' })).status).toBe(401);
    expect((await authorize('alice', { code_challenge_method: 'plain' })).status).toBe(400);
    const anonymous = await fetch(`${discord.apiUrl}/v10/users/@me`, { headers: { authorization: 'Bearer nope' } });
    expect(anonymous.status).toBe(401);
    discord.rest.violations.length = 0;
  });
});
