import type { Logger } from '../ports/logger.js';

/** What the hooks can act on. */
export interface HookTargets {
  /** Ends audio worker `index` as a crash would (AudioEngine.crash). */
  crashAudioWorker(index: number): boolean;
}

/**
 * Test-only hooks, off unless TUNEBOT_TEST_HOOKS names one (the end-to-end suites set it; an owner never
 * needs to). Each turns SIGUSR2 into one action:
 * - `block-main`: keeps the main thread busy for TUNEBOT_TEST_BLOCK_MS (default 2000) of synchronous work,
 *   the stand-in for a long GC pause or a hostile parse, to prove audio does not depend on the main thread;
 * - `crash-audio-worker`: ends audio worker 0 abruptly, to prove its guilds come back where they were.
 */
export function installTestHooks(env: NodeJS.ProcessEnv, logger: Logger, targets: HookTargets): void {
  const hooks = (env.TUNEBOT_TEST_HOOKS ?? '').split(',').map((h) => h.trim());
  if (hooks.includes('crash-audio-worker')) {
    process.on('SIGUSR2', () =>
      logger.warn({ crashed: targets.crashAudioWorker(0) }, 'test hook: audio worker 0 crashed'),
    );
    return;
  }
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
