import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for bgutil-ytdlp-pot-provider's HTTP server (Brainicism/bgutil-ytdlp-pot-provider, server/src/routes
 * ping.ts and pot.ts at 1488e350; VERSION 2.0.2 in server/src/utils.ts): `GET /ping` → `{ server_uptime,
 * version }`; `POST /get_pot` with `{ content_binding, proxy, bypass_cache, source_address,
 * disable_tls_verification }` → `{ poToken, contentBinding, expiresAt }`, 400 `{ error }` for the deprecated
 * `visitor_data` / `data_sync_id` fields. Records every request, so tests can see yt-dlp's plugin reach it.
 */
export class FakePotProvider {
  readonly requests: { method: string; path: string; body: Record<string, unknown> | null }[] = [];
  private readonly server: Server;
  private readonly started = Date.now();

  constructor() {
    this.server = createServer((req, res) => {
      let raw = '';
      req
        .setEncoding('utf8')
        .on('data', (c: string) => (raw += c))
        .on('end', () => {
          const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
          const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
          this.requests.push({ method: req.method ?? 'GET', path, body });
          const send = (status: number, json: unknown) =>
            res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
          if (req.method === 'GET' && path === '/ping')
            return send(200, { server_uptime: (Date.now() - this.started) / 1000, version: '2.0.2' });
          if (req.method === 'POST' && path === '/get_pot') {
            if (body?.['visitor_data'])
              return send(400, { error: 'visitor_data is deprecated, use content_binding instead' });
            const contentBinding = String(body?.['content_binding'] ?? '');
            return send(200, {
              poToken: `MnfakePoToken${contentBinding.length}`,
              contentBinding,
              expiresAt: new Date(Date.now() + 6 * 3_600_000).toISOString(),
            });
          }
          send(404, { error: 'not found' });
        });
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
