import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { AddressPolicy } from '../../../src/net/address-policy.js';

/** Synthetic media heads: just enough bytes for the container probe (the sources never decode audio). */
export const OGG_OPUS = Buffer.concat([
  Buffer.from('OggS\0\x02'),
  Buffer.alloc(22),
  Buffer.from('OpusHead'),
  Buffer.alloc(8000, 1),
]);
export const WEBM_OPUS = Buffer.concat([
  Buffer.from([0x1a, 0x45, 0xdf, 0xa3]),
  Buffer.alloc(40),
  Buffer.from('A_OPUS'),
  Buffer.alloc(8000, 2),
]);
export const MP3 = Buffer.concat([Buffer.from('ID3\x04\0\0\0\0\0\0'), Buffer.alloc(8000, 3)]);

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface StaticRoute {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | string;
  /** Headers are never sent (a stalled origin). */
  readonly hang?: boolean;
}

/** Policy that lets sources reach this loopback server, like ALLOWED_PRIVATE_HOSTS=127.0.0.1 in e2e runs. */
export const loopbackPolicy = (): AddressPolicy => new AddressPolicy(['127.0.0.1']);

/** A tiny origin on 127.0.0.1 with per-path routes and a log of what was requested. */
export class LoopbackServer {
  private readonly server: Server;
  private readonly routes = new Map<string, StaticRoute | Handler>();
  readonly requests: { path: string; headers: IncomingHttpHeaders }[] = [];
  base = '';

  constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  route(path: string, route: StaticRoute | Handler): this {
    this.routes.set(path, route);
    return this;
  }

  url(path: string): string {
    return `${this.base}${path}`;
  }

  hits(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    this.requests.push({ path, headers: req.headers });
    const route = this.routes.get(path);
    if (!route) return void res.writeHead(404).end('not found');
    if (typeof route === 'function') return route(req, res);
    if (route.hang) return;
    res.writeHead(route.status ?? 200, route.headers ?? {}).end(route.body ?? '');
  }
}

/** Reads a whole stream (for asserting on delivered bytes). */
export async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

export const signal = (): AbortSignal => new AbortController().signal;

/** The error a promise rejects with (or an Error saying it resolved). */
export const failure = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => new Error('resolved'),
    (e: unknown) => e,
  );
