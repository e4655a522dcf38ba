import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { AddressPolicy } from '../../src/net/address-policy.js';
import { safeFetch } from '../../src/net/safe-fetch.js';

let server: Server;
let hits = 0;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits += 1;
    if (req.url === '/redirect-private') {
      res.writeHead(302, { location: 'http://127.0.0.2:9/secret' }).end();
    } else if (req.url === '/loop') {
      res.writeHead(302, { location: '/loop' }).end();
    } else if (req.url === '/hang') {
      // never answers
    } else {
      res.writeHead(200, { 'content-type': 'audio/ogg' }).end('OggS');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const codeOf = async (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'ok',
    (error: unknown) => (error instanceof UserError ? error.code : String(error)),
  );

describe('safeFetch', () => {
  const open = new AddressPolicy([new URL(base ?? 'http://x').host]);

  it('refuses loopback, private and metadata addresses without touching them', async () => {
    const strict = new AddressPolicy([]);
    const before = hits;
    for (const url of [
      base,
      'http://localhost:9/',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]:9/',
      'http://2130706433:9/',
      'http://0x7f.1:9/',
      'http://017700000001:9/',
      'http://[::ffff:127.0.0.1]:9/',
    ]) {
      expect(await codeOf(safeFetch(new URL(url), strict, { timeoutMs: 2000 }))).toBe('PRIVATE_ADDRESS');
    }
    expect(hits).toBe(before);
  });

  it('refuses DNS names that resolve to loopback', async () => {
    const strict = new AddressPolicy([]);
    expect(await codeOf(safeFetch(new URL('http://localtest.localhost:9/'), strict, { timeoutMs: 2000 }))).toBe(
      'PRIVATE_ADDRESS',
    );
  });

  it('fetches from an allowed private host and checks every redirect hop', async () => {
    const policy = new AddressPolicy([new URL(base).host]);
    const response = await safeFetch(new URL(`${base}/ok`), policy, { timeoutMs: 2000 });
    expect(response.status).toBe(200);
    response.body.resume();
    expect(await codeOf(safeFetch(new URL(`${base}/redirect-private`), policy, { timeoutMs: 2000 }))).toBe(
      'PRIVATE_ADDRESS',
    );
    expect(await codeOf(safeFetch(new URL(`${base}/loop`), policy, { timeoutMs: 2000 }))).toBe('TOO_MANY_REDIRECTS');
  });

  it('only speaks http(s) and bounds the wait for headers', async () => {
    expect(await codeOf(safeFetch(new URL('ftp://example.com/a.mp3'), open, { timeoutMs: 2000 }))).toBe(
      'UNSUPPORTED_SCHEME',
    );
    expect(await codeOf(safeFetch(new URL('file:///etc/passwd'), open, { timeoutMs: 2000 }))).toBe(
      'UNSUPPORTED_SCHEME',
    );
    const policy = new AddressPolicy([new URL(base).host]);
    expect(await codeOf(safeFetch(new URL(`${base}/hang`), policy, { timeoutMs: 300 }))).toBe('FETCH_TIMEOUT');
  });
});
