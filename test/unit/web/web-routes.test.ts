import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUILD, startHarness, type Harness } from './web-fixture.js';

/**
 * Every route of the web API through fastify's inject(), each answer validated against the OpenAPI document
 * the server generates from its route schemas (the last test checks that no documented operation was missed).
 * The player actions are stand-ins here; test/e2e/web-api.test.ts drives the real ones through the bot.
 */
let h: Harness;
let auth: { cookies: Record<string, string>; csrf: string };
const g = `/api/guilds/${GUILD}`;

beforeAll(async () => {
  h = await startHarness();
  auth = await h.login();
});
afterAll(async () => {
  await h.app.close();
});

const send = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  h.request({
    method,
    url,
    cookies: auth.cookies,
    headers: { 'x-csrf-token': auth.csrf },
    ...(payload ? { payload } : {}),
  });

describe('auth', () => {
  it('GET /auth/login redirects to Discord with PKCE S256, state, both scopes and the callback', async () => {
    const res = await h.request({ method: 'GET', url: '/auth/login' });
    expect(res.statusCode).toBe(302);
    const url = new URL(String(res.headers.location));
    expect(url.origin + url.pathname).toBe('http://discord.test/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: '800000000000000001',
      scope: 'identify guilds',
      redirect_uri: 'http://music.test/auth/callback',
      code_challenge_method: 'S256',
      prompt: 'none',
    });
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
  });

  it('GET /auth/callback sets an HttpOnly SameSite=Lax session cookie and goes to /', async () => {
    const start = await h.request({ method: 'GET', url: '/auth/login' });
    const location = new URL(String(start.headers.location));
    const code = h.oauth.authorize(location.searchParams.get('code_challenge') ?? '');
    const res = await h.request({
      method: 'GET',
      url: `/auth/callback?code=${code}&state=${location.searchParams.get('state')}`,
      cookies: { tunebot_oauth: start.cookies.find((c) => c.name === 'tunebot_oauth')?.value ?? '' },
    });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/');
    const cookie = res.cookies.find((c) => c.name === 'tunebot_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const form = h.oauth.tokenRequests.at(-1);
    expect(form?.get('grant_type')).toBe('authorization_code');
    expect(form?.get('redirect_uri')).toBe('http://music.test/auth/callback');
  });

  it('GET /api/me names the user and hands out the CSRF token', async () => {
    const res = await send('GET', '/api/me');
    expect(res.json()).toEqual({
      user: { id: '900000000000000001', username: 'alice', globalName: 'Alice', avatarUrl: null },
      csrfToken: auth.csrf,
    });
  });
});

describe('guilds, player and queue', () => {
  it('GET /api/guilds lists the shared servers', async () => {
    const res = await send('GET', '/api/guilds');
    expect(res.json()).toEqual({ guilds: [{ id: GUILD, name: 'Test server', iconUrl: null, playing: true }] });
  });

  it('GET player and queue', async () => {
    expect((await send('GET', `${g}/player`)).json()).toMatchObject({ status: 'playing', positionMs: 1200 });
    expect((await send('GET', `${g}/queue`)).json()).toMatchObject({ tracks: [{ entryId: 2, title: 'Next' }] });
  });

  it.each([
    ['POST', 'player/pause', undefined, 'pause'],
    ['POST', 'player/resume', undefined, 'resume'],
    ['POST', 'player/skip', undefined, 'skip'],
    ['POST', 'player/previous', undefined, 'previous'],
    ['POST', 'player/seek', { positionMs: 61000 }, 'seek 61000'],
    ['PUT', 'player/volume', { percent: 150 }, 'volume 150'],
    ['PUT', 'player/loop', { mode: 'queue' }, 'loop queue'],
    ['PUT', 'player/filter', { preset: 'nightcore' }, 'filter nightcore'],
    ['POST', 'queue/move', { entryId: 2, toIndex: 0 }, 'move 2 0'],
    ['POST', 'queue/shuffle', undefined, 'shuffle'],
    ['DELETE', 'queue/7', undefined, 'remove 7'],
    ['DELETE', 'queue', undefined, 'clear'],
  ] as const)('%s %s answers 200 with the action text', async (method, path, body, call) => {
    const res = await send(method, `${g}/${path}`, body);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ message: `${call.split(' ')[0]} done` });
    expect(h.calls.at(-1)).toBe(`${call.split(' ')[0]} ${GUILD} ${call.split(' ').slice(1).join(' ')}`.trim());
  });

  it('POST queue adds by query with 202', async () => {
    const res = await send('POST', `${g}/queue`, { query: 'some song' });
    expect(res.statusCode).toBe(202);
    expect(h.calls.at(-1)).toBe(`add ${GUILD} some song`);
  });

  it('refuses bodies outside the schema with INVALID_ARGUMENT (400)', async () => {
    for (const [method, path, body] of [
      ['PUT', 'player/volume', { percent: 500 }],
      ['PUT', 'player/loop', { mode: 'forever' }],
      ['POST', 'player/seek', { positionMs: -1 }],
      ['POST', 'queue', { query: '' }],
      ['POST', 'queue/move', { entryId: 'x', toIndex: 0 }],
    ] as const) {
      const res = await send(method, `${g}/${path}`, body);
      expect(res.statusCode, `${method} ${path}`).toBe(400);
      expect(res.json().error.code).toBe('INVALID_ARGUMENT');
    }
  });

  it('takes an empty JSON body as no body, and refuses malformed JSON with INVALID_ARGUMENT', async () => {
    const headers = { 'x-csrf-token': auth.csrf, 'content-type': 'application/json' };
    const empty = await h.request({ method: 'POST', url: `${g}/player/pause`, cookies: auth.cookies, headers });
    expect(empty.statusCode).toBe(200);
    const bad = await h.request({
      method: 'PUT',
      url: `${g}/player/volume`,
      cookies: auth.cookies,
      headers,
      payload: '{',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('INVALID_ARGUMENT');
  });

  it('answers a catalogued refusal with its code and text', async () => {
    const res = await send('DELETE', `${g}/queue/404`);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: { code: 'QUEUE_ENTRY_GONE', message: 'That track is no longer in the queue.' },
    });
  });
});

describe('playlists', () => {
  it('GET lists the caller’s saved playlists; POST …/play loads one (202)', async () => {
    expect((await send('GET', `${g}/playlists`)).json()).toEqual({ playlists: [{ name: 'mix', trackCount: 3 }] });
    const res = await send('POST', `${g}/playlists/mix/play`);
    expect(res.statusCode).toBe(202);
    expect(h.calls.at(-1)).toBe(`playPlaylist ${GUILD} mix`);
  });
});

describe('events', () => {
  it('streams player and queue at connect and after a change, with the security headers', async () => {
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const address = h.app.server.address() as { port: number };
    const controller = new AbortController();
    const res = await fetch(`http://127.0.0.1:${address.port}${g}/events`, {
      headers: { cookie: `tunebot_session=${auth.cookies.tunebot_session}` },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    h.openapi.check({ method: 'GET', url: `${g}/events`, status: 200, contentType: 'text/event-stream', body: '' });
    const reader = res.body!.getReader();
    let text = '';
    const readUntil = async (count: number) => {
      while ((text.match(/event: player/g) ?? []).length < count)
        text += new TextDecoder().decode((await reader.read()).value);
    };
    await readUntil(1);
    expect(text).toContain('event: queue\ndata: {"tracks":[');
    for (const listener of h.listeners) listener();
    await readUntil(2);
    const player = JSON.parse(/event: player\ndata: (.*)\n/.exec(text)?.[1] ?? '{}');
    expect(player).toMatchObject({ status: 'playing', track: { title: 'Tone' } });
    controller.abort();
    await expect.poll(() => h.listeners.size).toBe(0);
  });
});

describe('tokens', () => {
  it('creates (201, shown once), lists, authenticates with Bearer without CSRF, and revokes (204)', async () => {
    const created = await send('POST', '/api/tokens', { name: 'my app' });
    expect(created.statusCode).toBe(201);
    const { id, token } = created.json() as { id: string; token: string };
    expect(token).toMatch(/^tb_[\w-]{43}$/);
    const bearer = { authorization: `Bearer ${token}` };
    const skip = await h.request({ method: 'POST', url: `${g}/player/skip`, headers: bearer });
    expect(skip.statusCode).toBe(200);
    const listed = (await send('GET', '/api/tokens')).json() as { tokens: { id: string; lastUsedAt: string | null }[] };
    expect(listed.tokens).toEqual([expect.objectContaining({ id, name: 'my app' })]);
    expect(listed.tokens[0]?.lastUsedAt).not.toBeNull();
    expect((await send('DELETE', `/api/tokens/${id}`)).statusCode).toBe(204);
    expect((await send('DELETE', `/api/tokens/${id}`)).statusCode).toBe(404);
    expect((await h.request({ method: 'GET', url: '/api/me', headers: bearer })).statusCode).toBe(401);
  });
});

describe('logout and the document', () => {
  it('POST /auth/logout ends the session (204) and clears the cookie', async () => {
    const { cookies, csrf } = await h.login();
    const res = await h.request({ method: 'POST', url: '/auth/logout', cookies, headers: { 'x-csrf-token': csrf } });
    expect(res.statusCode).toBe(204);
    expect(res.cookies.find((c) => c.name === 'tunebot_session')?.value).toBe('');
    expect((await h.request({ method: 'GET', url: '/api/me', cookies })).statusCode).toBe(401);
  });

  it('GET /openapi.json serves the document', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.json()).toMatchObject({ openapi: '3.1.0' });
  });

  it('every documented operation was answered above, and validated', () => {
    const missing = h.openapi.operations().filter((op) => !h.openapi.seen.has(op));
    expect(missing).toEqual([]);
  });
});
