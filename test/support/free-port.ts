import { createServer } from 'node:net';

/**
 * Ports are handed out from below Linux's ephemeral range (32768-60999 by default): every server a test
 * binds to port 0 (the offline Discord's gateway, media servers, Prometheus…) gets an ephemeral port, so a
 * port from here cannot be taken by one of them between this check and the bot binding it. (A port taken
 * from the ephemeral range and released, as before, was: a /healthz once reached another worker's gateway.)
 */
const FIRST = 20_000;
const LAST = 32_000;
/** Ports this process already handed out (its tests may hold several at once). */
const handedOut = new Set<number>();

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A TCP port free on loopback right now, outside the ephemeral range, not handed out before by this process. */
export async function freePort(): Promise<number> {
  // Random start: test workers are separate processes and must not walk the range in the same order.
  const span = LAST - FIRST;
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i += 1) {
    const port = FIRST + ((start + i) % span);
    if (handedOut.has(port)) continue;
    if (await bindable(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port in ${FIRST}-${LAST}`);
}
