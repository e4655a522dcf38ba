'use strict';
// Container health check without curl/wget: GET /healthz on the bot's HTTP port, healthy on 2xx.
// Used by the Dockerfile's HEALTHCHECK, docker/compose.yml and the rootfs built by scripts/build-image.sh.
// HTTP_PORT=0 means the HTTP server is off: nothing to check, report healthy.
const http = require('node:http');

const port = Number(process.env.HTTP_PORT || 8080);
const bind = (process.env.HTTP_HOST || '').trim();
// A wildcard bind (0.0.0.0 / ::) is reachable on loopback; a specific address must be asked directly.
const host = !bind || bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind.replace(/^\[|\]$/g, '');

if (port === 0) process.exit(0);

const req = http.get({ host, port, path: '/healthz', timeout: 4000 }, (res) => {
  res.resume();
  const ok = res.statusCode >= 200 && res.statusCode < 300;
  if (!ok) console.error(`healthcheck: /healthz answered ${res.statusCode}`);
  process.exit(ok ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('no answer within 4 s')));
req.on('error', (err) => {
  console.error(`healthcheck: http://${host}:${port}/healthz: ${err.message}`);
  process.exit(1);
});
