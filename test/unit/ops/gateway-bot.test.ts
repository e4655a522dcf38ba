import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchGatewayBot } from '../../../src/ops/gateway-bot.js';
import { parseShardCount } from '../../../src/ops/shard-config.js';

describe('parseShardCount', () => {
  it('accepts auto (default) or a whole number, and names SHARDS otherwise', () => {
    expect(parseShardCount(undefined)).toBe('auto');
    expect(parseShardCount(' AUTO ')).toBe('auto');
    expect(parseShardCount('4')).toBe(4);
    for (const bad of ['0', '-1', '1.5', 'two', '99999'])
      expect(() => parseShardCount(bad)).toThrow(/^SHARDS must be "auto" or a whole number/);
  });
});

describe('fetchGatewayBot at DISCORD_API_URL', () => {
  let server: Server;
  let answer: { status: number; body: unknown } = { status: 200, body: {} };
  const seen: string[] = [];

  beforeEach(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const api = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;

  it('asks the configured API, not discord.com, and reads the shard count and session limit', async () => {
    answer = {
      status: 200,
      body: {
        url: 'wss://x',
        shards: 3,
        session_start_limit: { total: 1000, remaining: 998, reset_after: 1000, max_concurrency: 1 },
      },
    };
    const info = await fetchGatewayBot(`${api()}/`, 'tok.en.x');
    expect(info).toEqual({
      shards: 3,
      sessionStartLimit: { total: 1000, remaining: 998, resetAfterMs: 1000, maxConcurrency: 1 },
    });
    expect(seen.at(-1)).toBe('GET /api/v10/gateway/bot Bot tok.en.x');
  });

  it('explains a rejected token, an error status, a bad body and an unreachable API', async () => {
    answer = { status: 401, body: { message: '401: Unauthorized' } };
    await expect(fetchGatewayBot(api(), 't')).rejects.toThrow(/Discord rejected DISCORD_TOKEN/);
    answer = { status: 502, body: {} };
    await expect(fetchGatewayBot(api(), 't')).rejects.toThrow(/answered 502.*set SHARDS to a number/);
    answer = { status: 200, body: { shards: 0 } };
    await expect(fetchGatewayBot(api(), 't')).rejects.toThrow(/did not return a shard count/);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(fetchGatewayBot(`http://127.0.0.1:${port}/api`, 't')).rejects.toThrow(
      /Could not reach Discord.*ECONNREFUSED/,
    );
  });
});
