import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUILD, OTHER_GUILD, startHarness, type Harness } from './web-fixture.js';

/** The security properties issue 16 lists, each through the public HTTP surface. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.app.close();
});

describe('no session without a valid state', () => {
  const begin = async () => {
    const start = await h.request({ method: 'GET', url: '/auth/login' });
    const location = new URL(String(start.headers.location));
    return {
      state: location.searchParams.get('state') ?? '',
      code: h.oauth.authorize(location.searchParams.get('code_challenge') ?? ''),
      cookie: start.cookies.find((c) => c.name === 'tunebot_oauth')?.value ?? '',
    };
  };
  const noSession = (res: { statusCode: number; cookies: { name: string }[] }) => {
    expect(res.statusCode).toBe(400);
    expect(res.cookies.some((c) => c.name === 'tunebot_session')).toBe(false);
  };

  it('refuses a callback without the state cookie (a login started in another browser)', async () => {
    const { state, code } = await begin();
    noSession(await h.request({ method: 'GET', url: `/auth/callback?code=${code}&state=${state}` }));
  });

  it('refuses a state that does not match the cookie, and a forged (unsigned) cookie', async () => {
    const { state, code, cookie } = await begin();
    noSession(
      await h.request({
        method: 'GET',
        url: `/auth/callback?code=${code}&state=x${state}`,
        cookies: { tunebot_oauth: cookie },
      }),
    );
    const other = await begin();
    noSession(
      await h.request({
        method: 'GET',
        url: `/auth/callback?code=${other.code}&state=${other.state}`,
        cookies: { tunebot_oauth: other.state },
      }),
    );
  });

  it('uses a state once: replaying the callback gives no second session', async () => {
    const { state, code, cookie } = await begin();
    const url = `/auth/callback?code=${code}&state=${state}`;
    expect((await h.request({ method: 'GET', url, cookies: { tunebot_oauth: cookie } })).statusCode).toBe(302);
    noSession(await h.request({ method: 'GET', url, cookies: { tunebot_oauth: cookie } }));
  });

  it('says so when the user cancelled on Discord', async () => {
    const { state, cookie } = await begin();
    const res = await h.request({
      method: 'GET',
      url: `/auth/callback?error=access_denied&state=${state}`,
      cookies: { tunebot_oauth: cookie },
    });
    noSession(res);
    expect(res.body).toContain('The login was cancelled on Discord');
  });

  it('the page says what to do, from the catalogue', async () => {
    const res = await h.request({ method: 'GET', url: '/auth/callback?code=x&state=y' });
    expect(res.body).toContain('That login did not start here or took too long; please log in again.');
  });

  it('sends the PKCE verifier that matches the challenge (a wrong one gets no session)', async () => {
    const start = await h.request({ method: 'GET', url: '/auth/login' });
    const location = new URL(String(start.headers.location));
    const code = h.oauth.authorize('not-the-challenge');
    const res = await h.request({
      method: 'GET',
      url: `/auth/callback?code=${code}&state=${location.searchParams.get('state')}`,
      cookies: { tunebot_oauth: start.cookies.find((c) => c.name === 'tunebot_oauth')?.value ?? '' },
    });
    expect(res.statusCode).toBe(502);
    expect(res.cookies.some((c) => c.name === 'tunebot_session')).toBe(false);
  });
});

describe('CSRF token required for cookie-authenticated changes', () => {
  it('refuses a POST without the header, or with a wrong one (403 CSRF); GET needs none', async () => {
    const { cookies, csrf } = await h.login();
    const url = `/api/guilds/${GUILD}/player/skip`;
    for (const headers of [{}, { 'x-csrf-token': 'wrong' }, { 'x-csrf-token': `${csrf}x` }]) {
      const res = await h.request({ method: 'POST', url, cookies, headers });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('CSRF');
    }
    expect(h.calls).not.toContain(`skip ${GUILD}`);
    expect((await h.request({ method: 'GET', url: `/api/guilds/${GUILD}/player`, cookies })).statusCode).toBe(200);
    expect((await h.request({ method: 'POST', url, cookies, headers: { 'x-csrf-token': csrf } })).statusCode).toBe(200);
  });

  it('logout needs it too', async () => {
    const { cookies } = await h.login();
    expect((await h.request({ method: 'POST', url: '/auth/logout', cookies })).statusCode).toBe(403);
  });
});

describe("another guild's session cannot be read or changed", () => {
  it('answers 404 GUILD_NOT_FOUND for a server the user is not in, on every guild route', async () => {
    const { cookies, csrf } = await h.login();
    const before = h.calls.length;
    for (const [method, path] of [
      ['GET', 'player'],
      ['GET', 'queue'],
      ['GET', 'playlists'],
      ['GET', 'events'],
      ['POST', 'player/skip'],
      ['POST', 'queue/shuffle'],
      ['DELETE', 'queue'],
    ] as const) {
      const res = await h.request({
        method,
        url: `/api/guilds/${OTHER_GUILD}/${path}`,
        cookies,
        headers: { 'x-csrf-token': csrf },
      });
      expect(res.statusCode, `${method} ${path}`).toBe(404);
      expect(res.json().error.code).toBe('GUILD_NOT_FOUND');
    }
    expect(h.calls.length).toBe(before);
  });

  it('refuses ids that are not snowflakes, and everything without a session', async () => {
    const { cookies } = await h.login();
    expect((await h.request({ method: 'GET', url: '/api/guilds/../player', cookies })).statusCode).toBe(404);
    expect((await h.request({ method: 'GET', url: '/api/guilds/abc/player', cookies })).statusCode).toBe(400);
    const anonymous = await h.request({ method: 'GET', url: `/api/guilds/${GUILD}/player` });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('UNAUTHENTICATED');
    const forged = await h.request({ method: 'GET', url: '/api/me', cookies: { tunebot_session: 'made-up' } });
    expect(forged.statusCode).toBe(401);
  });
});

describe('tokens and sessions hashed at rest', () => {
  it('the store never holds a raw API token or session id', async () => {
    const { cookies, csrf } = await h.login();
    const res = await h.request({
      method: 'POST',
      url: '/api/tokens',
      cookies,
      headers: { 'x-csrf-token': csrf },
      payload: { name: 'app' },
    });
    const { token } = res.json() as { token: string };
    const sessionId = h.app.unsignCookie(cookies.tunebot_session ?? '').value ?? '';
    const dump = JSON.stringify(
      await Promise.all((await h.store.keys('')).map(async (k) => [k, await h.store.get(k)])),
    );
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(token.slice(3));
    expect(dump).not.toContain(sessionId);
    expect(sessionId.length).toBeGreaterThan(40);
    const bearer = await h.request({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });
    expect(bearer.statusCode).toBe(200);
    expect(
      (await h.request({ method: 'GET', url: '/api/me', headers: { authorization: 'Bearer tb_guess' } })).statusCode,
    ).toBe(401);
  });
});

describe('rate limits and headers', () => {
  it('answers 429 with the catalogue body past the limit', async () => {
    const limited = await startHarness({ rateLimit: { capacity: 3, perMs: 60_000 } });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await limited.request({ method: 'GET', url: '/api/me' })).statusCode);
    const last = await limited.request({ method: 'GET', url: '/api/me' });
    await limited.app.close();
    expect(codes).toEqual([401, 401, 401, 429, 429]);
    expect(last.json()).toEqual({
      error: {
        code: 'RATE_LIMITED',
        message: "Slow down a little: you're sending commands faster than I can take them. Try again in a few seconds.",
      },
    });
  });

  it('sends CSP (with frame-ancestors none), X-Frame-Options, Referrer-Policy and nosniff', async () => {
    for (const url of ['/', '/api/me', '/auth/login']) {
      const res = await h.app.inject({ method: 'GET', url });
      expect(res.headers['content-security-policy']).toBe(
        "default-src 'self';img-src 'self' https: data:;frame-ancestors 'none'",
      );
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('marks cookies Secure when PUBLIC_URL is https', async () => {
    const secure = await startHarness({ publicUrl: 'https://music.test' });
    const res = await secure.app.inject({ method: 'GET', url: '/auth/login' });
    await secure.app.close();
    expect(res.cookies.find((c) => c.name === 'tunebot_oauth')).toMatchObject({ secure: true, httpOnly: true });
    expect(res.headers['strict-transport-security']).toBeDefined();
  });
});

describe('the page', () => {
  it('without a build, / answers a short 503 page; unknown API paths a JSON 404', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build');
    const api = await h.app.inject({ method: 'GET', url: '/api/nothing' });
    expect(api.statusCode).toBe(404);
    expect(api.json().error.code).toBe('NOT_FOUND');
  });

  it('serves dist/web: index.html for / and unknown non-API paths, assets as files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tunebot-page-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>page</title>');
    writeFileSync(join(dir, 'app.js'), 'console.log(1)');
    const page = await startHarness({}, dir);
    try {
      for (const url of ['/', '/guilds/123']) {
        const res = await page.app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(200);
        expect(res.body).toContain('<title>page</title>');
      }
      const js = await page.app.inject({ method: 'GET', url: '/app.js' });
      expect(js.headers['content-type']).toMatch(/javascript/);
      expect((await page.app.inject({ method: 'GET', url: '/api/nothing' })).statusCode).toBe(404);
    } finally {
      await page.app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
