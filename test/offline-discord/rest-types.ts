import type { IncomingHttpHeaders } from 'node:http';
import type { UploadedFile } from './message-store.js';

/** One HTTP request the bot made to the fake REST API. */
export interface RestCall {
  /** 1, 2, 3, … in arrival order. */
  seq: number;
  method: string;
  /** Decoded path below `/api/v10`, e.g. `/webhooks/1/tok/messages/@original`. */
  path: string;
  /** The matched route template (spec names), or null for an unknown route. */
  route: string | null;
  params: Record<string, string>;
  query: Record<string, string>;
  /** Parsed JSON body; for multipart requests the parsed `payload_json`. */
  body: unknown;
  files: UploadedFile[];
  /** performance.now() in the test process when the request arrived. */
  at: number;
  /** Response status (0 until answered). */
  status: number;
  /** True when a fault hook answered instead of the route. */
  faulted: boolean;
  /** Set for `/interactions/{id}/{token}/callback` and `/webhooks/{app}/{token}/…` calls. */
  interactionToken?: string;
  /** `X-Audit-Log-Reason`, if sent. */
  auditLogReason?: string;
}

/** Something the bot did that real Discord would reject or that the spec forbids. */
export interface Violation {
  kind: 'schema' | 'unknown-route' | 'auth' | 'protocol';
  method: string;
  path: string;
  route: string | null;
  message: string;
  details: string[];
  body: unknown;
  at: number;
}

/** What a route handler receives. */
export interface RouteContext {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  files: UploadedFile[];
  /** The request's headers (routes that accept more than the bot token, e.g. OAuth2 bearer tokens). */
  headers: IncomingHttpHeaders;
  call: RestCall;
  /** Records a protocol violation (e.g. an interaction acknowledged twice). */
  violate(message: string, details?: string[]): void;
}

/** What a route handler answers. A missing body means an empty response (use status 204). */
export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = (ctx: RouteContext) => RouteResult | Promise<RouteResult>;

/** Makes a Discord-style JSON error `{ message, code }`. */
export function apiError(status: number, code: number, message: string): RouteResult {
  return { status, body: { message, code } };
}

/** A JSON 200 answer. */
export function ok(body: unknown): RouteResult {
  return { status: 200, body };
}

/** An empty 204 answer. */
export const NO_CONTENT: RouteResult = { status: 204 };

/** A fault: the next `times` calls matching `route` (template or RegExp on the path) get this answer. */
export interface RestFault {
  route: string | RegExp;
  method?: string;
  /** 429 answers carry `retry_after` and the `x-ratelimit-*` / `retry-after` headers discord.js reads. */
  status: number;
  times?: number;
  /** Seconds, for 429 (default 1). */
  retryAfter?: number;
  /** For 429: a global rate limit (`x-ratelimit-global`). */
  global?: boolean;
  /** Delay before answering, ms (works with any status; use status 0 to delay the real answer). */
  delayMs?: number;
}
