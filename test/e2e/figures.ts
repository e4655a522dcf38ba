import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Timings observed by end-to-end tests, appended to `.tmp/e2e-figures.jsonl` for the closing note and the
 * benchmark summary. Never asserted on: the machine is shared and noisy (see bench/ for real measurements).
 */
export function recordFigure(name: string, value: number): void {
  const dir = join(process.cwd(), '.tmp');
  mkdirSync(dir, { recursive: true });
  appendFileSync(
    join(dir, 'e2e-figures.jsonl'),
    `${JSON.stringify({ name, value: Math.round(value * 10) / 10, at: Date.now() })}\n`,
  );
}
