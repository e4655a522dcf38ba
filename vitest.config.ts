import { defineConfig } from 'vitest/config';

/**
 * Suites that judge the bot by timing from outside (the hostile-member suite bounds every audio gap at
 * 250 ms), and the heavy browser suites, run after everything else, alone: on a 2-core machine a second test file decoding audio beside
 * them measures the machine, not the bot.
 */
const ALONE = [
  'test/e2e/hostile-member.test.ts',
  'test/e2e/main-thread-block.test.ts',
  // A real Chromium beside another bot test takes a core from it: those tests' timing bounds then measure
  // the browser. The browser suites run after the rest, one at a time.
  'test/e2e/web-browser.test.ts',
  'test/e2e/web-page.test.ts',
];

export default defineConfig({
  test: {
    // End-to-end tests start real processes (bot, ffmpeg) on loopback; the machine has 2 shared cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts'],
          exclude: ALONE,
          fileParallelism: true,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'alone',
          include: ALONE,
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
