import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { UploadedFile } from './message-store.js';
import type { OpenApiValidator } from './openapi-validator.js';
import { sharedOpenApiValidator } from './openapi-validator.js';
import { applyFault, takeFault } from './rest-faults.js';
import type { RestCall, RestFault, RouteContext, RouteHandler, RouteResult, Violation } from './rest-types.js';
import { ChangeFeed, delay, preview } from './wait.js';

interface RouteDef {
  method: string;
  template: string;
  segments: string[];
  /** `bearer-too`: the bot token, or an OAuth2 bearer token that the handler checks (`/users/@me`). */
  auth: boolean | 'bearer-too';
  /** False for Discord routes the vendored spec lacks (`POST /oauth2/token`): the handler checks the body itself. */
  spec: boolean;
  handler: RouteHandler;
}

/** A browser page outside `/api` (the OAuth2 consent page): it answers HTML, not JSON. */
export type PageHandler = (
  url: URL,
  req: IncomingMessage,
) => { status: number; headers?: Record<string, string>; body: string };

/** The REST half of the fake: records every call, validates bodies against the spec, answers routes. */
export class RestServer {
  readonly calls: RestCall[] = [];
  readonly violations: Violation[] = [];
  readonly feed = new ChangeFeed();
  private readonly routes: RouteDef[] = [];
  private readonly pages = new Map<string, PageHandler>();
  private readonly faults: RestFault[] = [];
  private readonly server: Server;
  private readonly validator: OpenApiValidator;

  constructor(
    private readonly token: string,
    validator?: OpenApiValidator,
  ) {
    this.validator = validator ?? sharedOpenApiValidator();
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `offline-discord crashed: ${String(error)}`, code: 0 }));
      });
    });
  }

  /** Registers a route. Templates use the OpenAPI spec's names so bodies are validated against it. */
  route(
    method: string,
    template: string,
    handler: RouteHandler,
    options: { auth?: boolean | 'bearer-too'; spec?: boolean } = {},
  ): void {
    this.routes.push({
      method,
      template,
      segments: template.split('/').slice(1),
      auth: options.auth ?? true,
      spec: options.spec ?? true,
      handler,
    });
  }

  /** Registers a GET page outside `/api` (e.g. `/oauth2/authorize`). */
  page(path: string, handler: PageHandler): void {
    this.pages.set(path, handler);
  }

  /** The origin browsers are sent to for pages (DISCORD_OAUTH_URL of the bot under test). */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** What to pass to discord.js as `rest.api` (and to the bot as DISCORD_API_URL). */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  /** Adds a fault hook (429, 500, delays) for the next matching calls. */
  fail(fault: RestFault): void {
    this.faults.push({ times: 1, ...fault });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Calls to a route template (e.g. `PUT`, `/applications/{application_id}/commands`). */
  callsTo(method: string, route: string): RestCall[] {
    return this.calls.filter((c) => c.method === method && c.route === route);
  }

  /**
   * Resolves with the first recorded call (past or future) matching the predicate, once it is answered.
   * Calls are in arrival order, so `waitForCall((c) => c.at >= t)` is "the first call after t".
   */
  waitForCall(predicate: (call: RestCall) => boolean, timeoutMs = 10_000): Promise<RestCall> {
    return this.feed.waitFor(
      () => {
        const call = this.calls.find(predicate);
        return call && call.status !== 0 ? call : undefined;
      },
      timeoutMs,
      () => `a REST call matching ${predicate.toString()}; calls so far: ${this.describeCalls()}`,
    );
  }

  /** Throws with every violation's details unless there are none (after filtering with `allow`). */
  assertNoViolations(allow: (v: Violation) => boolean = () => false): void {
    const bad = this.violations.filter((v) => !allow(v));
    if (bad.length === 0) return;
    const text = bad
      .map(
        (v) =>
          `- [${v.kind}] ${v.method} ${v.path}: ${v.message}\n    ${v.details.join('\n    ')}\n    body: ${preview(v.body, 600)}`,
      )
      .join('\n');
    throw new Error(`offline-discord saw ${bad.length} REST violation(s):\n${text}`);
  }

  /** Calls to routes the fake does not know (each also recorded as a violation). */
  get unexpected(): RestCall[] {
    return this.calls.filter((c) => c.route === null);
  }

  describeCalls(): string {
    return this.calls.map((c) => `${c.method} ${c.path} → ${c.status}`).join(', ') || '(none)';
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = performance.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const page = method === 'GET' ? this.pages.get(url.pathname) : undefined;
    if (page) {
      const answer = page(url, req);
      res.writeHead(answer.status, { 'content-type': 'text/html; charset=utf-8', ...answer.headers });
      res.end(answer.body);
      return;
    }
    const raw = await readBody(req);
    const rawPath = url.pathname.replace(/^\/api\/v10(?=\/)/, '');
    const segments = rawPath.split('/').slice(1).map(safeDecode);
    const path = `/${segments.join('/')}`;
    const match = url.pathname.startsWith('/api/v10/') ? this.match(method, segments) : undefined;
    const call: RestCall = {
      seq: this.calls.length + 1,
      method,
      path,
      route: match?.def.template ?? null,
      params: match?.params ?? {},
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      files: [],
      at,
      status: 0,
      faulted: false,
    };
    const reason = req.headers['x-audit-log-reason'];
    if (typeof reason === 'string') call.auditLogReason = decodeURIComponent(reason);
    this.calls.push(call);
    const violate = (kind: Violation['kind'], message: string, details: string[] = []): void => {
      this.violations.push({ kind, method, path, route: call.route, message, details, body: call.body, at });
    };
    const send = (result: RouteResult): void => {
      call.status = result.status;
      const payload = result.body === undefined ? '' : JSON.stringify(result.body);
      const headers: Record<string, string> = { ...result.headers };
      if (payload) headers['content-type'] = 'application/json';
      res.writeHead(result.status, headers);
      res.end(payload);
      this.feed.notify();
    };

    try {
      const parsed = await parseBody(raw, String(req.headers['content-type'] ?? ''));
      call.body = parsed.body;
      call.files = parsed.files;
    } catch (error) {
      violate('schema', `unparseable body: ${String(error)}`);
      return send({ status: 400, body: { message: '400: Bad Request', code: 50109 } });
    }
    if (!match) {
      const inSpec = this.validator.pathTemplates.some((t) => templateMatches(t.split('/').slice(1), segments));
      violate('unknown-route', inSpec ? 'route exists in Discord but not in the fake' : 'not a Discord API route');
      return send({ status: 404, body: { message: '404: Not Found', code: 0 } });
    }
    const bearer = match.def.auth === 'bearer-too' && /^Bearer /.test(req.headers.authorization ?? '');
    if (match.def.auth && !bearer && req.headers.authorization !== `Bot ${this.token}`) {
      violate('auth', `missing or wrong Authorization header: ${preview(req.headers.authorization ?? null)}`);
      return send({ status: 401, body: { message: '401: Unauthorized', code: 0 } });
    }
    if (match.def.spec && (['POST', 'PUT', 'PATCH'].includes(method) || call.body !== undefined)) {
      const result = this.validator.validate(match.def.template, method, call.body);
      if (result.errors.length > 0) violate('schema', 'request body does not match the OpenAPI spec', result.errors);
    }
    const fault = takeFault(this.faults, method, match.def.template, path);
    if (fault) {
      call.faulted = fault.status !== 0;
      if (fault.delayMs) await delay(fault.delayMs);
      if (fault.status !== 0) return send(applyFault(fault));
    }
    const ctx: RouteContext = {
      method,
      path,
      params: match.params,
      query: url.searchParams,
      body: call.body,
      files: call.files,
      headers: req.headers,
      call,
      violate: (message, details) => violate('protocol', message, details),
    };
    send(await match.def.handler(ctx));
  }

  private match(method: string, segments: string[]): { def: RouteDef; params: Record<string, string> } | undefined {
    let best: { def: RouteDef; params: Record<string, string>; literals: number } | undefined;
    for (const def of this.routes) {
      if (def.method !== method || !templateMatches(def.segments, segments)) continue;
      const params: Record<string, string> = {};
      let literals = 0;
      def.segments.forEach((s, i) => {
        if (s.startsWith('{')) params[s.slice(1, -1)] = segments[i]!;
        else literals += 1;
      });
      if (!best || literals > best.literals) best = { def, params, literals };
    }
    return best;
  }
}

function templateMatches(template: string[], segments: string[]): boolean {
  return template.length === segments.length && template.every((t, i) => t.startsWith('{') || t === segments[i]);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function parseBody(raw: Buffer, contentType: string): Promise<{ body: unknown; files: UploadedFile[] }> {
  if (raw.length === 0) return { body: undefined, files: [] };
  if (contentType.startsWith('application/x-www-form-urlencoded'))
    return { body: Object.fromEntries(new URLSearchParams(raw.toString('utf8'))), files: [] };
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    const files: UploadedFile[] = [];
    let body: unknown;
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') body = JSON.parse(value);
      } else {
        files.push({
          field,
          filename: value.name,
          size: value.size,
          contentType: value.type,
          content: Buffer.from(await value.arrayBuffer()),
        });
      }
    }
    return { body, files };
  }
  return { body: JSON.parse(raw.toString('utf8')), files: [] };
}
