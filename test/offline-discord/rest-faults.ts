import { randomBytes } from 'node:crypto';
import type { RestFault, RouteResult } from './rest-types.js';

/** Removes and returns the first fault matching this call (decrementing its remaining count). */
export function takeFault(faults: RestFault[], method: string, template: string, path: string): RestFault | undefined {
  const index = faults.findIndex(
    (f) =>
      (f.method === undefined || f.method.toUpperCase() === method) &&
      (typeof f.route === 'string' ? f.route === template : f.route.test(path)),
  );
  if (index < 0) return undefined;
  const fault = faults[index]!;
  const left = (fault.times ?? 1) - 1;
  if (left <= 0) faults.splice(index, 1);
  else faults[index] = { ...fault, times: left };
  return fault;
}

/** The answer for a fault: 429 with everything discord.js reads, or a generic error body. */
export function applyFault(fault: RestFault): RouteResult {
  if (fault.status !== 429) {
    return { status: fault.status, body: { message: `${fault.status}: offline-discord fault`, code: 0 } };
  }
  const retryAfter = fault.retryAfter ?? 1;
  const headers: Record<string, string> = {
    'retry-after': String(retryAfter),
    'x-ratelimit-limit': '5',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': String(Date.now() / 1000 + retryAfter),
    'x-ratelimit-reset-after': String(retryAfter),
    'x-ratelimit-bucket': randomBytes(16).toString('hex'),
    'x-ratelimit-scope': fault.global ? 'global' : 'user',
  };
  if (fault.global) headers['x-ratelimit-global'] = 'true';
  return {
    status: 429,
    headers,
    body: { message: 'You are being rate limited.', retry_after: retryAfter, global: fault.global ?? false, code: 0 },
  };
}
