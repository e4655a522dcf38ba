import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { WebConfig } from '../../../src/config-web.js';
import type { Actor } from '../../../src/controls/control-guard.js';
import { UserError } from '../../../src/core/errors.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { buildWebServer } from '../../../src/web-api/web-server.js';
import type { PlayerBody, QueueBody } from '../../../src/web-api/schemas.js';
import type { GuildDirectory, WebPlayer } from '../../../src/web-api/web-ports.js';
import { webError } from '../../../src/web-api/web-errors.js';
import { OpenApiCheck, type OpenApiDoc } from './openapi-check.js';

export const GUILD = '111111111111111111';
/** A server the bot is in but the test user is not. */
export const OTHER_GUILD = '222222222222222222';
export const USER = { id: '900000000000000001', username: 'alice', global_name: 'Alice', avatar: null };
export const API_URL = 'http://discord.test/api';

export const TEST_CONFIG: WebConfig = {
  port: 0,
  host: '127.0.0.1',
  publicUrl: 'http://music.test',
  clientId: '800000000000000001',
  clientSecret: 'client-secret',
  sessionSecret: 'a-session-secret-of-at-least-32-characters',
  oauthUrl: 'http://discord.test',
  trustProxy: false,
  rateLimit: { capacity: 1000, perMs: 60_000 },
};

/** A stand-in Discord OAuth2 server: codes it issued, bound to the PKCE challenge they were issued for. */
export class FakeOAuth {
  private readonly codes = new Map<string, string>();
  readonly tokenRequests: URLSearchParams[] = [];

  authorize(challenge: string): string {
    const code = randomBytes(8).toString('hex');
    this.codes.set(code, challenge);
    return code;
  }

  readonly fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    if (url === `${API_URL}/v10/oauth2/token`) {
      const form = new URLSearchParams(String(init?.body));
      this.tokenRequests.push(form);
      const challenge = this.codes.get(form.get('code') ?? '');
      const verified = createHash('sha256')
        .update(form.get('code_verifier') ?? '')
        .digest('base64url');
      if (!challenge || challenge !== verified) return Response.json({ error: 'invalid_grant' }, { status: 400 });
      return Response.json({
        access_token: 'user-token',
        token_type: 'Bearer',
        expires_in: 604800,
        scope: 'identify guilds',
      });
    }
    const auth = new Headers(init?.headers).get('authorization');
    if (auth !== 'Bearer user-token') return Response.json({ message: '401: Unauthorized' }, { status: 401 });
    if (url === `${API_URL}/v10/users/@me`) return Response.json(USER);
    if (url === `${API_URL}/v10/users/@me/guilds`) return Response.json([{ id: GUILD }, { id: OTHER_GUILD }]);
    return Response.json({ message: '404' }, { status: 404 });
  }) as typeof fetch;
}

const PLAYING: PlayerBody = {
  status: 'playing',
  track: {
    entryId: 1,
    title: 'Tone',
    url: null,
    artworkUrl: null,
    durationMs: 30000,
    requestedBy: 'alice',
    source: 'http',
  },
  positionMs: 1200,
  volume: 100,
  loop: 'off',
  filter: 'off',
  voiceChannelId: '333333333333333333',
};

/** Records what the routes asked, answers like the real actions (texts are the commands' own in e2e). */
export function fakePlayer(calls: string[], listeners: Set<() => void>): WebPlayer {
  const act =
    (name: string) =>
    async (actor: Actor, ...args: unknown[]) => {
      calls.push(`${name} ${actor.guildId} ${args.join(' ')}`.trim());
      if (name === 'remove' && args[0] === 404) throw new UserError('QUEUE_ENTRY_GONE');
      if (name === 'skip' && actor.member.id === 'not-listening')
        throw new UserError('NOT_SAME_CHANNEL', { channel: '<#3>', action: 'control playback' });
      return `${name} done`;
    };
  const queue: QueueBody = { tracks: [{ ...PLAYING.track!, entryId: 2, title: 'Next' }] };
  return {
    player: () => PLAYING,
    queue: () => queue,
    pause: act('pause'),
    resume: act('resume'),
    skip: act('skip'),
    previous: act('previous'),
    seek: act('seek'),
    volume: act('volume'),
    loop: act('loop'),
    filter: act('filter'),
    add: act('add'),
    remove: act('remove'),
    move: act('move'),
    clear: act('clear'),
    shuffle: act('shuffle'),
    playlists: async () => [{ name: 'mix', trackCount: 3 }],
    playPlaylist: act('playPlaylist'),
    watch(_guildId, listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export const fakeGuilds: GuildDirectory = {
  shared: async (_user, hint) =>
    [{ id: GUILD, name: 'Test server', iconUrl: null, playing: true }].filter((g) => !hint || hint.includes(g.id)),
  async actor(userId, guildId) {
    if (guildId !== GUILD) throw webError(404, 'GUILD_NOT_FOUND');
    return { guildId, member: { id: userId }, manageGuild: false, deps: {} } as unknown as Actor;
  },
};

export interface Harness {
  readonly app: FastifyInstance;
  readonly store: MemoryStore;
  readonly oauth: FakeOAuth;
  readonly calls: string[];
  readonly listeners: Set<() => void>;
  readonly openapi: OpenApiCheck;
  /** inject() and validate the answer against the OpenAPI document. */
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Logs in through /auth/login and /auth/callback; the session cookie and CSRF token. */
  login(): Promise<{ cookies: Record<string, string>; csrf: string }>;
}

export async function startHarness(
  config: Partial<WebConfig> = {},
  pageDir = '/nonexistent-page-dir',
): Promise<Harness> {
  const store = new MemoryStore();
  const oauth = new FakeOAuth();
  const calls: string[] = [];
  const listeners = new Set<() => void>();
  const app = await buildWebServer({
    config: { ...TEST_CONFIG, ...config },
    apiUrl: API_URL,
    clientId: () => TEST_CONFIG.clientId ?? '',
    store,
    clock: {
      now: () => Date.now(),
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    },
    logger: silentLogger,
    guilds: fakeGuilds,
    player: fakePlayer(calls, listeners),
    pageDir,
    fetch: oauth.fetch,
  });
  await app.ready();
  const openapi = new OpenApiCheck(app.swagger() as unknown as OpenApiDoc);
  const harness: Harness = {
    app,
    store,
    oauth,
    calls,
    listeners,
    openapi,
    async request(options) {
      const res = await app.inject(options);
      const url = typeof options.url === 'string' ? options.url : String(options.url);
      if (url.startsWith('/api/') || url.startsWith('/auth/'))
        openapi.check({
          method: options.method ?? 'GET',
          url,
          status: res.statusCode,
          contentType: res.headers['content-type'] as string | undefined,
          body: res.body,
        });
      return res;
    },
    async login() {
      const start = await harness.request({ method: 'GET', url: '/auth/login' });
      const location = new URL(String(start.headers.location));
      const state = location.searchParams.get('state') ?? '';
      const code = oauth.authorize(location.searchParams.get('code_challenge') ?? '');
      const stateCookie = start.cookies.find((c) => c.name === 'tunebot_oauth')?.value ?? '';
      const back = await harness.request({
        method: 'GET',
        url: `/auth/callback?code=${code}&state=${state}`,
        cookies: { tunebot_oauth: stateCookie },
      });
      const session = back.cookies.find((c) => c.name === 'tunebot_session')?.value ?? '';
      const cookies = { tunebot_session: session };
      const me = await harness.request({ method: 'GET', url: '/api/me', cookies });
      return { cookies, csrf: (me.json() as { csrfToken: string }).csrfToken };
    },
  };
  return harness;
}

export const silentLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};
