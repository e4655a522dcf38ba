import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { UserError } from '../core/errors.js';
import type { AddressPolicy } from './address-policy.js';
import { systemClock, type Clock } from '../ports/clock.js';

export interface SafeFetchOptions {
  readonly signal?: AbortSignal;
  /** Time allowed until response headers arrive, per hop. */
  readonly timeoutMs: number;
  readonly maxRedirects?: number;
  readonly headers?: Record<string, string>;
  /** Runs the header timeout (default: the system clock). */
  readonly clock?: Clock;
}

export interface SafeResponse {
  /** The final URL after redirects. */
  readonly url: URL;
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: IncomingMessage;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = 'Mozilla/5.0 (compatible; tunebot; +self-hosted Discord music bot)';

/**
 * GET a user-supplied URL without letting it reach private networks. Invariants: only http(s); the address
 * actually connected to is the one checked (the check runs inside the socket's DNS lookup, so DNS rebinding
 * between check and connect is impossible); every redirect hop is checked the same way; every hop has a
 * header timeout; the caller's signal aborts everything.
 */
export async function safeFetch(url: URL, policy: AddressPolicy, options: SafeFetchOptions): Promise<SafeResponse> {
  let current = url;
  for (let hop = 0; hop <= (options.maxRedirects ?? 5); hop += 1) {
    checkUrl(current, policy);
    const response = await requestOnce(current, policy, options);
    const location = response.headers.location;
    if (!REDIRECTS.has(response.statusCode ?? 0) || !location) {
      return { url: current, status: response.statusCode ?? 0, headers: response.headers, body: response };
    }
    response.resume();
    response.destroy();
    if (!URL.canParse(location, current.href)) throw new UserError('BAD_URL');
    current = new URL(location, current);
  }
  throw new UserError('TOO_MANY_REDIRECTS');
}

/** Static checks that need no DNS: scheme, credentials, literal IPs. */
export function checkUrl(url: URL, policy: AddressPolicy): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UserError('UNSUPPORTED_SCHEME');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !policy.permits(url, host)) throw new UserError('PRIVATE_ADDRESS');
  if (host === 'localhost' || host.endsWith('.localhost')) {
    if (!policy.isAllowedHost(url)) throw new UserError('PRIVATE_ADDRESS');
  }
}

function guardedLookup(url: URL, policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as LookupAddress[];
      // Refuse when ANY address is private: a mixed answer is a classic rebinding trick.
      if (list.length === 0 || list.some((a) => !policy.permits(url, a.address))) {
        return callback(Object.assign(new Error('private address'), { code: 'EPRIVATE' }), '', 0);
      }
      if (options.all) return callback(null, list);
      const first = list[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}

function requestOnce(url: URL, policy: AddressPolicy, options: SafeFetchOptions): Promise<IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(url.href, {
      lookup: guardedLookup(url, policy),
      headers: { 'user-agent': USER_AGENT, accept: '*/*', 'icy-metadata': '0', ...options.headers },
      signal: options.signal,
      timeout: options.timeoutMs,
      agent: false,
    });
    const clock = options.clock ?? systemClock;
    const timer = clock.setTimeout(() => request.destroy(new UserError('FETCH_TIMEOUT')), options.timeoutMs);
    request.once('response', (response) => {
      clock.clearTimeout(timer);
      request.setTimeout(0);
      resolve(response);
    });
    request.once('timeout', () => request.destroy(new UserError('FETCH_TIMEOUT')));
    request.once('error', (error: NodeJS.ErrnoException) => {
      clock.clearTimeout(timer);
      reject(mapNetworkError(error));
    });
  });
}

function mapNetworkError(error: NodeJS.ErrnoException): Error {
  if (error instanceof UserError) return error;
  if (error.code === 'EPRIVATE') return new UserError('PRIVATE_ADDRESS');
  if (error.name === 'AbortError') return error;
  return new UserError('FETCH_FAILED');
}
