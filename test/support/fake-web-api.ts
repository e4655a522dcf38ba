import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { FakePlayerState, fakeTrack } from './fake-web-api-state.js';

/**
 * A stand-in for the bot's web server (WEB-CONTRACT.md) on loopback: serves a built page (dist/web) under the
 * same CSP as the real server, and answers the JSON API and the event stream from an in-memory player. It
 * records every request, so a browser test can check what the page sent (method, path, body, CSRF header).
 * `/auth/login` logs in at once (the consent page is the offline Discord's, tested end to end elsewhere).
 */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  readonly csrf: string | undefined;
}

export const CSP = "default-src 'self'; img-src 'self' https: data:; frame-ancestors 'none'";
export const FAKE_GUILD = { id: '100000000000000001', name: 'Test Server', iconUrl: null, playing: true };
const CSRF = 'fake-csrf-token';
const COOKIE = 'tunebot_session=fake';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

type Reply = { status: number; body?: unknown };
type Handler = (match: RegExpMatchArray, body: Record<string, unknown>) => Reply;

export class FakeWebApi {
  readonly state = new FakePlayerState();
  readonly requests: RecordedRequest[] = [];
  playlists = [{ name: 'evening', trackCount: 12 }];
  tokens: { id: string; name: string; createdAt: string; lastUsedAt: string | null }[] = [];
  private readonly failures = new Map<string, Reply>();
  private readonly streams = new Set<ServerResponse>();
  private server: Server | undefined;
  url = '';

  constructor(private readonly webRoot: string) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const stream of this.streams) stream.end();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** The next `METHOD /path` answers this error (the contract's `{error:{code,message}}`). */
  failNext(route: string, status: number, code: string, message: string): void {
    this.failures.set(route, { status, body: { error: { code, message } } });
  }

  /** Sends the `player` and `queue` events to every open stream (as the server does on every change). */
  broadcast(): void {
    for (const stream of this.streams) this.sendEvents(stream);
  }

  private sendEvents(stream: ServerResponse): void {
    stream.write(`event: player\ndata: ${JSON.stringify(this.state.body())}\n\n`);
    stream.write(`event: queue\ndata: ${JSON.stringify({ tracks: this.state.queue })}\n\n`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const csrf = req.headers['x-csrf-token'] as string | undefined;
    this.requests.push({ method, path: url.pathname, body: raw ? body : undefined, csrf });
    if (url.pathname === '/auth/login') return redirect(res, '/', `${COOKIE}; Path=/; HttpOnly; SameSite=Lax`);
    if (!url.pathname.startsWith('/api/') && url.pathname !== '/auth/logout')
      return this.serveStatic(url.pathname, res);
    const authed = (req.headers.cookie ?? '').includes(COOKIE);
    if (!authed) return json(res, 401, { error: { code: 'UNAUTHORIZED', message: 'Log in first.' } });
    if (method !== 'GET' && csrf !== CSRF)
      return json(res, 403, { error: { code: 'CSRF', message: 'The page is out of date: reload it.' } });
    if (url.pathname.endsWith('/events')) return this.openStream(res);
    const failure = this.failures.get(`${method} ${url.pathname}`);
    if (failure) {
      this.failures.delete(`${method} ${url.pathname}`);
      return json(res, failure.status, failure.body);
    }
    const reply = this.route(method, url.pathname, body);
    if (method !== 'GET') this.broadcast();
    if (reply.status === 204 && url.pathname === '/auth/logout')
      res.setHeader('set-cookie', `${COOKIE}; Max-Age=0; Path=/`);
    return json(res, reply.status, reply.body);
  }

  private openStream(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
    this.sendEvents(res);
  }

  private route(method: string, path: string, body: Record<string, unknown>): Reply {
    for (const [pattern, handler] of this.routes()) {
      const match = `${method} ${path}`.match(pattern);
      if (match) return handler(match, body);
    }
    return { status: 404, body: { error: { code: 'NOT_FOUND', message: 'No such route.' } } };
  }

  private routes(): [RegExp, Handler][] {
    const s = this.state;
    const reply =
      (status: number, body?: unknown): Handler =>
      () => ({ status, body });
    /** Runs `effect`, then answers `{ message }` (status 200, or 202 for the queueing routes). */
    const does =
      (message: string, effect: (m: RegExpMatchArray, b: Record<string, unknown>) => void, status = 200): Handler =>
      (m, b) => {
        effect(m, b);
        return { status, body: { message } };
      };
    const g = '/api/guilds/(\\d+)';
    const on = (route: string): RegExp => new RegExp(`^${route.replace('{g}', g)}$`);
    return [
      [on('GET /api/me'), () => ({ status: 200, body: { user: ME, csrfToken: CSRF } })],
      [on('POST /auth/logout'), reply(204)],
      [on('GET /api/guilds'), reply(200, { guilds: [FAKE_GUILD] })],
      [on('GET {g}/player'), () => ({ status: 200, body: s.body() })],
      [on('GET {g}/queue'), () => ({ status: 200, body: { tracks: s.queue } })],
      [
        on('POST {g}/player/(pause|resume|skip|previous)'),
        (m) => ({ status: 200, body: { message: s.control(m[2]!) } }),
      ],
      [on('POST {g}/player/seek'), does('Moved.', (_m, b) => s.seek(Number(b['positionMs'])))],
      [on('PUT {g}/player/volume'), does('Volume set.', (_m, b) => Object.assign(s.player, { volume: b['percent'] }))],
      [on('PUT {g}/player/loop'), does('Loop set.', (_m, b) => Object.assign(s.player, { loop: b['mode'] }))],
      [on('PUT {g}/player/filter'), does('Filter set.', (_m, b) => Object.assign(s.player, { filter: b['preset'] }))],
      [on('POST {g}/queue'), does('Queued.', (_m, b) => s.queue.push(fakeTrack(String(b['query']))), 202)],
      [on('POST {g}/queue/move'), does('Moved.', (_m, b) => s.move(Number(b['entryId']), Number(b['toIndex'])))],
      [on('POST {g}/queue/shuffle'), does('Shuffled.', () => s.queue.reverse())],
      [on('DELETE {g}/queue'), does('Cleared.', () => s.queue.splice(0))],
      [on('DELETE {g}/queue/(\\d+)'), does('Removed.', (m) => s.remove(Number(m[2])))],
      [on('GET {g}/playlists'), () => ({ status: 200, body: { playlists: this.playlists } })],
      [on('POST {g}/playlists/([^/]+)/play'), (m) => ({ status: 202, body: { message: `Queued ${m[2]}.` } })],
      [on('GET /api/tokens'), () => ({ status: 200, body: { tokens: this.tokens } })],
      [on('POST /api/tokens'), (_m, b) => this.createToken(String(b['name']))],
      [on('DELETE /api/tokens/(\\w+)'), (m) => this.revokeToken(m[1]!)],
    ];
  }

  private revokeToken(id: string): Reply {
    this.tokens = this.tokens.filter((t) => t.id !== id);
    return { status: 204 };
  }

  private createToken(name: string): Reply {
    const id = `t${this.tokens.length + 1}`;
    this.tokens.push({ id, name, createdAt: new Date().toISOString(), lastUsedAt: null });
    return { status: 201, body: { id, name, token: `tb_secret_${id}` } };
  }

  private serveStatic(path: string, res: ServerResponse): void {
    const file = path.startsWith('/assets/') ? normalize(path).replace(/^(\.\.[/\\])+/, '') : '/index.html';
    try {
      const bytes = readFileSync(join(this.webRoot, file));
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': CSP,
      });
      res.end(bytes);
    } catch {
      res.writeHead(404).end();
    }
  }
}

const ME = { id: '200000000000000001', username: 'alice', globalName: 'Alice', avatarUrl: null };

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (chunk: Buffer) => {
      data += chunk.toString();
    });
    req.on('end', () => resolve(data));
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  if (body === undefined) return void res.writeHead(status).end();
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function redirect(res: ServerResponse, location: string, cookie: string): void {
  res.writeHead(302, { location, 'set-cookie': cookie }).end();
}
