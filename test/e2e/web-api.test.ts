import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenApiCheck, type OpenApiDoc } from '../unit/web/openapi-check.js';
import { freePort, startStack, type Stack } from './harness.js';

/**
 * The web API end to end: the real bot process with WEB_ENABLED, logged in through the offline Discord's OAuth2
 * consent page, steering the player the slash commands steer (and heard at the fake voice server), with every
 * answer validated against the OpenAPI document the bot serves.
 */
let stack: Stack;
let web: string;
let openapi: OpenApiCheck;
const up = (text: string): string[] => text.split('\n').filter((l) => /^`\d+\.`/.test(l));

/** The fields of API answers this test reads (each answer is validated against the document first). */
interface ApiAnswer {
  readonly user?: { readonly username: string };
  readonly csrfToken?: string;
  readonly guilds?: readonly { readonly id: string }[];
  readonly message?: string;
  readonly error?: { readonly code: string; readonly message: string };
  readonly tracks?: readonly { readonly title: string; readonly entryId: number }[];
}

/** A browser in miniature: a cookie jar, no automatic redirects. */
class Browser {
  readonly cookies = new Map<string, string>();
  csrf = '';

  async get(url: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.fetch(url, { headers });
  }

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const headers = {
      ...(init.headers as Record<string, string>),
      ...(cookie && url.startsWith(web) ? { cookie } : {}),
    };
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    if (url.startsWith(web))
      for (const line of res.headers.getSetCookie()) {
        const [pair = ''] = line.split(';');
        const [name = '', ...value] = pair.split('=');
        if (value.join('=')) this.cookies.set(name, value.join('='));
        else this.cookies.delete(name);
      }
    return res;
  }

  /** An API call as the page makes it (JSON, the CSRF header), its answer checked against the document. */
  async api(method: string, path: string, body?: object): Promise<{ status: number; json: ApiAnswer }> {
    const res = await this.fetch(`${web}${path}`, {
      method,
      headers: { 'x-csrf-token': this.csrf, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    openapi.check({
      method,
      url: path,
      status: res.status,
      contentType: res.headers.get('content-type') ?? undefined,
      body: text,
    });
    return { status: res.status, json: (text ? JSON.parse(text) : {}) as ApiAnswer };
  }

  /** Log in with Discord: /auth/login → the fake's consent page → Authorize → /auth/callback → the session. */
  async login(username: string): Promise<void> {
    const start = await this.get(`${web}/auth/login`);
    expect(start.status).toBe(302);
    const consent = await fetch(`${start.headers.get('location')}&login_as=${username}`);
    const html = await consent.text();
    const href = /data-testid="oauth-authorize" role="button" href="([^"]+)"/.exec(html)?.[1] ?? '';
    const back = await this.get(href.replaceAll('&#38;', '&'));
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe('/');
    const me = await this.api('GET', '/api/me');
    expect(me.json.user?.username).toBe(username);
    this.csrf = me.json.csrfToken ?? '';
  }
}

beforeAll(async () => {
  const port = await freePort();
  web = `http://127.0.0.1:${port}`;
  stack = await startStack({
    env: {
      WEB_ENABLED: 'true',
      WEB_PORT: String(port),
      WEB_HOST: '127.0.0.1',
      PUBLIC_URL: web,
      DISCORD_CLIENT_SECRET: 'offline-client-secret',
    },
  });
  // The web server starts beside the gateway login: wait for it, not only for the gateway.
  await stack.bot.waitForLog((l) => l.json?.msg === 'web player listening', 20_000);
  openapi = new OpenApiCheck((await (await fetch(`${web}/openapi.json`)).json()) as OpenApiDoc);
});
afterAll(async () => {
  await stack?.close();
});

describe('web API through the bot process', () => {
  const alice = new Browser();
  let g: string;

  it('logs in with Discord and lists the shared server', async () => {
    g = `/api/guilds/${stack.guildId}`;
    await alice.login('alice');
    const guilds = await alice.api('GET', '/api/guilds');
    expect(guilds.json.guilds).toEqual([expect.objectContaining({ id: stack.guildId, playing: false })]);
    stack.discord.assertNoViolations();
  });

  it('adds by query like /play, plays, skips (heard), and moves the queue as /queue then shows', async () => {
    stack.join(stack.users.alice);
    const tones = await Promise.all(
      [440, 550, 660, 770].map((hz) => stack.media.tone({ hz, seconds: 60, format: 'ogg' })),
    );
    const first = await alice.api('POST', `${g}/queue`, { query: tones[0] });
    expect(first.status).toBe(202);
    expect(first.json.message).toMatch(/Started .*440/);
    await stack.discord.voice.waitForFrequency(stack.guildId, 440, { toleranceHz: 4, timeoutMs: 15_000 });
    for (const url of tones.slice(1))
      expect((await alice.api('POST', `${g}/queue`, { query: url })).json.message).toMatch(/Queued/);
    const player = await alice.api('GET', `${g}/player`);
    expect(player.json).toMatchObject({
      status: 'playing',
      track: { title: expect.stringMatching(/440/) },
      volume: 100,
    });

    const skipped = await alice.api('POST', `${g}/player/skip`);
    expect(skipped.json.message).toMatch(/Skipped .*440.*Up now: .*550/);
    const since = performance.now();
    await stack.discord.voice.waitForFrequency(stack.guildId, 550, { toleranceHz: 4, since, timeoutMs: 15_000 });

    const queue = await alice.api('GET', `${g}/queue`);
    expect(queue.json.tracks?.map((t) => t.title)).toEqual([
      expect.stringMatching(/660/),
      expect.stringMatching(/770/),
    ]);
    const last = queue.json.tracks?.[1]?.entryId;
    const moved = await alice.api('POST', `${g}/queue/move`, { entryId: last, toIndex: 0 });
    expect(moved.json.message).toMatch(/Moved .*770.* to position #1/);
    const inDiscord = up(await stack.ask(stack.users.alice, 'queue'));
    expect(inDiscord[0]).toMatch(/770/);
    expect(inDiscord[1]).toMatch(/660/);
    stack.discord.assertNoViolations();
  });

  it('streams the player and queue as server-sent events', async () => {
    const controller = new AbortController();
    const res = await alice.fetch(`${web}${g}/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    openapi.check({ method: 'GET', url: `${g}/events`, status: 200, contentType: 'text/event-stream', body: '' });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('event: queue')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toMatch(/event: player\ndata: \{"status":"playing"/);
    await alice.api('PUT', `${g}/player/volume`, { percent: 80 });
    while (!/"volume":80/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
  });

  it('refuses a member outside the voice channel with the words Discord uses', async () => {
    const bob = new Browser();
    await bob.login('bob');
    const refused = await bob.api('POST', `${g}/player/skip`);
    expect(refused.status).toBe(403);
    expect(refused.json.error?.code).toBe('NOT_SAME_CHANNEL');
    const inDiscord = await stack.ask(stack.users.bob, 'skip');
    expect(inDiscord).toContain(refused.json.error?.message);
    expect((await bob.api('POST', `${g}/queue/shuffle`)).status).toBe(403);
    expect((await bob.api('GET', `${g}/player`)).status).toBe(200); // reading is for every member
  });

  it('cannot read or change a server the user is not in, even one the bot is in', async () => {
    const other = stack.discord.world.addGuild({ name: 'Elsewhere', members: ['carol'] });
    const carol = new Browser();
    await carol.login('carol');
    await expect
      .poll(async () => (await carol.api('GET', '/api/guilds')).json.guilds?.length, { timeout: 10_000 })
      .toBe(2);
    for (const path of [`/api/guilds/${other.id}/player`, `/api/guilds/${other.id}/queue`]) {
      const res = await alice.api('GET', path);
      expect(res.status).toBe(404);
      expect(res.json.error?.code).toBe('GUILD_NOT_FOUND');
    }
    expect((await alice.api('POST', `/api/guilds/${other.id}/player/skip`)).status).toBe(404);
    expect((await alice.api('GET', '/api/guilds')).json.guilds).toHaveLength(1);
  });

  it('serves the API document and logs out', async () => {
    expect((await alice.api('POST', '/auth/logout')).status).toBe(204);
    expect((await alice.api('GET', '/api/me')).status).toBe(401);
    await stack.ask(stack.users.alice, 'stop');
  });
});
