import { describe, expect, it } from 'vitest';
import { cleanCapacity } from '../../bench/lib/report-engines.js';
import type { EngineResult } from '../../bench/phases/engines.js';
import { behindSchedule } from '../../bench/phases/start-at-once.js';
import type { StepResult } from '../../bench/phases/streaming.js';

describe('bench: frames behind their schedule (20 guilds starting at once)', () => {
  it('counts frames more than 40 ms behind first packet + 20 ms × frames, not gaps', () => {
    // A 100 ms hole after frame 2, then a burst that catches up by frame 9.
    const arrivals = [0, 20, 40, 140, 141, 142, 143, 144, 160, 180];
    expect(behindSchedule(arrivals, 10)).toEqual({ behind: 3, worst: 80 });
  });

  it('is undefined when the stream sent fewer frames than judged', () => {
    expect(behindSchedule([0, 20], 3)).toBeUndefined();
  });
});

describe('bench: streams at < 0.5 % late', () => {
  const engine = (late: number[]) =>
    ({ steps: late.map((latePct, i) => ({ n: (i + 1) * 100, failed: 0, latePct })) }) as unknown as EngineResult & {
      steps: StepResult[];
    };

  it('is the N up to which every step stayed under 0.5 %', () => {
    expect(cleanCapacity(engine([0.1, 0.4, 0.7]))).toEqual({ n: 200, unbroken: false });
    expect(cleanCapacity(engine([0.1, 0.9, 0.2]))).toEqual({ n: 100, unbroken: false });
  });

  it('says when no measured N broke it', () => {
    expect(cleanCapacity(engine([0.1, 0.2, 0.3]))).toEqual({ n: 300, unbroken: true });
  });
});
