import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script (also run by `npm run soak`) that drives the compiled dist/.
import { runSoak } from '../../scripts/soak.mjs';

interface SoakResult {
  finalSessions: number;
  peakSessions: number;
  persistedSnapshots: number;
  heapBeforeMb: number;
  heapAfterMb: number;
  timersBefore: number;
  timersAfter: number;
  managerListenersBefore: number;
  managerListenersAfter: number;
}

describe('session leak soak (small version of `npm run soak`)', () => {
  it('creates and destroys 2,000 sessions and leaves nothing behind', async () => {
    const result = (await runSoak(2000)) as SoakResult;
    expect(result.peakSessions).toBeGreaterThan(0);
    expect(result.finalSessions).toBe(0);
    expect(result.persistedSnapshots).toBe(0);
    expect(result.managerListenersAfter).toBe(result.managerListenersBefore);
    expect(result.timersAfter).toBeLessThanOrEqual(result.timersBefore);
    // Without --expose-gc the heap figure is noisy: a generous bound that a per-session leak still breaks
    // (2,000 leaked sessions with their queues and listeners are well over 8 MB).
    expect(result.heapAfterMb - result.heapBeforeMb).toBeLessThan(8);
  });
});
