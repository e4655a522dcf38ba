import type { Logger } from '../ports/logger.js';

/**
 * Test-only hooks, off unless TUNEBOT_TEST_HOOKS names them (the end-to-end suites set it; an owner never
 * needs to). `block-main`: SIGUSR2 keeps the main thread busy for TUNEBOT_TEST_BLOCK_MS (default 2000) of
 * synchronous work, the stand-in for a long GC pause or a hostile parse, to prove audio does not depend on
 * the main thread.
 */
export function installTestHooks(env: NodeJS.ProcessEnv, logger: Logger): void {
  const hooks = (env.TUNEBOT_TEST_HOOKS ?? '').split(',').map((h) => h.trim());
  if (!hooks.includes('block-main')) return;
  const ms = Number(env.TUNEBOT_TEST_BLOCK_MS ?? 2000);
  process.on('SIGUSR2', () => {
    logger.warn({ ms }, 'test hook: blocking the main thread');
    const until = performance.now() + ms;
    let spin = 0;
    while (performance.now() < until) spin = (spin + 1) % 1_000_003;
    logger.warn({ ms, spin }, 'test hook: main thread free again');
  });
}
