import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../ports/logger.js';
import type { Readiness } from './readiness.js';

/** The slice of Metrics the server needs: a rendered exposition. */
export interface MetricsSource {
  render(): Promise<{ contentType: string; body: string }>;
}

export interface OpsServerOptions {
  /** 0 picks a free port (tests). The app does not create the server at all when HTTP_PORT is 0. */
  readonly port: number;
  readonly host: string;
  readonly metrics: MetricsSource;
  readonly readiness: () => Readiness;
  readonly logger?: Logger;
}

/** What a route answers, socket-free so `inject` and the real server share it. */
export interface OpsResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The operations endpoint: `/healthz` (liveness: the process answers), `/readyz` (readiness from the
 * callback: 503 with a JSON reason until the gateway is ready), `/metrics` (Prometheus text). GET and
 * HEAD only. Invariants: a route never throws to the socket (a failing readiness callback or metrics
 * render is a 503/500 answer), and nothing here blocks the event loop beyond rendering the registry.
 * The server binds to HTTP_HOST (127.0.0.1 by default): metrics are not meant for the open internet.
 */
export class OpsServer {
  private server: Server | undefined;

  constructor(private readonly options: OpsServerOptions) {}

  /** Answers a request without a socket, exactly as the server would (HEAD: same status, empty body). */
  async inject(method: string, path: string): Promise<OpsResponse> {
    const response = await this.route(method.toUpperCase(), path);
    return method.toUpperCase() === 'HEAD' ? { ...response, body: '' } : response;
  }

  /** Listens; resolves with the bound port (useful with port 0). */
  async start(): Promise<{ port: number }> {
    if (this.server) throw new Error('ops server already started');
    const server = createServer((req, res) => void this.handle(req, res));
    // Scrapers and probes send tiny requests: a slow or idle client must not hold a socket for minutes.
    server.keepAliveTimeout = 5000;
    server.headersTimeout = 10_000;
    server.requestTimeout = 10_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((error: unknown) => {
      this.server = undefined;
      throw error;
    });
    server.on('error', (error) => this.options.logger?.error({ err: error }, 'ops http server error'));
    return { port: (server.address() as AddressInfo).port };
  }

  /** Stops listening and drops idle keep-alive sockets so shutdown is not held up by a scraper. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 1000).unref();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const response = await this.route(method, req.url ?? '/').catch(() => text(500, 'internal error\n'));
    // HEAD announces the length GET would send, without the body.
    res.writeHead(response.status, { ...response.headers, 'content-length': String(Buffer.byteLength(response.body)) });
    res.end(method === 'HEAD' ? undefined : response.body);
  }

  private async route(method: string, rawPath: string): Promise<OpsResponse> {
    const path = pathOf(rawPath);
    const known = path === '/healthz' || path === '/readyz' || path === '/metrics';
    if (!known) return text(404, 'not found\n');
    if (method !== 'GET' && method !== 'HEAD') {
      const refused = text(405, 'method not allowed\n');
      return { ...refused, headers: { ...refused.headers, allow: 'GET, HEAD' } };
    }
    if (path === '/healthz') return text(200, 'ok\n');
    if (path === '/readyz') return this.ready();
    return this.metrics();
  }

  private ready(): OpsResponse {
    let state: Readiness;
    try {
      state = this.options.readiness();
    } catch (error) {
      state = {
        ready: false,
        reason: `readiness check failed: ${error instanceof Error ? error.message : String(error)}`,
        checks: {},
      };
    }
    const body = JSON.stringify(
      state.ready
        ? { status: 'ready', checks: state.checks }
        : { status: 'not ready', reason: state.reason, checks: state.checks },
    );
    return {
      status: state.ready ? 200 : 503,
      headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-store' },
      body: `${body}\n`,
    };
  }

  private async metrics(): Promise<OpsResponse> {
    try {
      const { contentType, body } = await this.options.metrics.render();
      return { status: 200, headers: { 'content-type': contentType, 'cache-control': 'no-store' }, body };
    } catch (error) {
      this.options.logger?.error({ err: error }, 'could not render metrics');
      return text(500, 'metrics unavailable\n');
    }
  }
}

function text(status: number, body: string): OpsResponse {
  return { status, headers: { 'content-type': TEXT, 'cache-control': 'no-store' }, body };
}

/** The path without query string; a malformed URL is just an unknown path. */
function pathOf(raw: string): string {
  const path = raw.split('?')[0] ?? '/';
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}
