import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { OpsServer } from '../../../src/ops/http-server.js';
import { Metrics } from '../../../src/ops/metrics.js';
import { ReadinessTracker } from '../../../src/ops/readiness.js';

function setup() {
  const metrics = new Metrics({ defaultMetrics: false });
  const readiness = new ReadinessTracker();
  const server = new OpsServer({ port: 0, host: '127.0.0.1', metrics, readiness: readiness.evaluate });
  return { metrics, readiness, server };
}

describe('OpsServer.inject', () => {
  it('answers /healthz while alive', async () => {
    const { server } = setup();
    const res = await server.inject('GET', '/healthz');
    expect(res).toMatchObject({ status: 200, body: 'ok\n' });
  });

  it('answers /readyz 503 with a JSON reason until the gateway is ready, then 200', async () => {
    const { server, readiness } = setup();
    let res = await server.inject('GET', '/readyz');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'not ready', reason: 'gateway: gateway not ready yet' });
    readiness.markReady();
    res = await server.inject('GET', '/readyz');
    expect(res.status).toBe(200);
    readiness.shardDown(0, 'reconnecting');
    expect(JSON.parse((await server.inject('GET', '/readyz')).body).reason).toBe('gateway: shard 0 reconnecting');
    readiness.shardUp(0);
    expect((await server.inject('GET', '/readyz')).status).toBe(200);
    readiness.markShuttingDown();
    expect(JSON.parse((await server.inject('GET', '/readyz')).body).reason).toBe('shutting down');
  });

  it('reports non-critical checks without failing readiness, and critical ones with a reason', async () => {
    const { server, readiness } = setup();
    readiness.markReady();
    readiness.addCheck({ name: 'store', critical: false, check: () => ({ ok: false, detail: 'SQLITE_CORRUPT' }) });
    let res = await server.inject('GET', '/readyz');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).checks.store).toEqual({ ok: false, detail: 'SQLITE_CORRUPT', critical: false });
    readiness.addCheck({
      name: 'voice',
      critical: true,
      check: () => {
        throw new Error('boom');
      },
    });
    res = await server.inject('GET', '/readyz');
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body).reason).toBe('voice: boom');
  });

  it('serves Prometheus text on /metrics with the registry content type', async () => {
    const { server, metrics } = setup();
    metrics.countCommand('play');
    const res = await server.inject('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(metrics.registry.contentType);
    expect(res.body).toContain('tunebot_commands_total{command="play"} 1');
  });

  it('answers 404 for unknown paths, 405 for other methods, and HEAD without a body', async () => {
    const { server } = setup();
    expect((await server.inject('GET', '/nope')).status).toBe(404);
    expect((await server.inject('GET', '/healthz?x=1')).status).toBe(200);
    const post = await server.inject('POST', '/metrics');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect(await server.inject('HEAD', '/healthz')).toMatchObject({ status: 200, body: '' });
  });

  it('answers 500 when metrics cannot render, and 503 when the readiness callback throws', async () => {
    const server = new OpsServer({
      port: 0,
      host: '127.0.0.1',
      metrics: { render: () => Promise.reject(new Error('registry broke')) },
      readiness: () => {
        throw new Error('no client');
      },
    });
    expect((await server.inject('GET', '/metrics')).status).toBe(500);
    const ready = await server.inject('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body).reason).toContain('no client');
  });
});

describe('OpsServer over a real socket', () => {
  let server: OpsServer | undefined;
  afterEach(async () => server?.close());

  function get(
    port: number,
    path: string,
    method = 'GET',
  ): Promise<{ status: number; type: string; length: string; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type']),
            length: String(res.headers['content-length']),
            body,
          }),
        );
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('listens on a random port, serves every route, and closes', async () => {
    const { metrics, readiness } = setup();
    server = new OpsServer({ port: 0, host: '127.0.0.1', metrics, readiness: readiness.evaluate });
    const { port } = await server.start();
    expect(port).toBeGreaterThan(0);
    expect(await get(port, '/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
    expect((await get(port, '/readyz')).status).toBe(503);
    readiness.markReady();
    expect((await get(port, '/readyz')).status).toBe(200);
    const scrape = await get(port, '/metrics');
    expect(scrape.status).toBe(200);
    expect(scrape.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(scrape.body).toContain('# TYPE tunebot_sessions gauge');
    const head = await get(port, '/healthz', 'HEAD');
    expect(head).toMatchObject({ status: 200, length: '3', body: '' });
    expect((await get(port, '/x')).status).toBe(404);
    await server.close();
    await expect(get(port, '/healthz')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('rejects start when the port is taken', async () => {
    const { metrics, readiness } = setup();
    server = new OpsServer({ port: 0, host: '127.0.0.1', metrics, readiness: readiness.evaluate });
    const { port } = await server.start();
    const second = new OpsServer({ port, host: '127.0.0.1', metrics, readiness: readiness.evaluate });
    await expect(second.start()).rejects.toThrow(/EADDRINUSE/);
  });
});
