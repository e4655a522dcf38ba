import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { latestFullRun, measuredTable, perStream, piTable, RESULTS_DIR } from './figures.js';

/**
 * One measured source for the per-stream figures: the latest full bench run. Every doc that quotes them quotes
 * the same table, recomputed here from that run's summary, and names the run; the Pi figures are derived from
 * it and labelled as estimates.
 */
const ROOT = join(import.meta.dirname, '..', '..', '..');
const doc = (name: string) => readFileSync(join(ROOT, 'docs', name), 'utf8');
const lines = (text: string) => text.split('\n').map((l) => l.trim());
const run = latestFullRun();
const figures = perStream(readFileSync(join(RESULTS_DIR, run), 'utf8'));

describe('per-stream figures in the docs', () => {
  it('are read from the latest full run', () => {
    expect(figures.passthroughCpu).toBeGreaterThan(0);
    expect(figures.transcodeCpu).toBeGreaterThan(figures.passthroughCpu);
    expect(figures.transcodeMb).toBeGreaterThan(figures.passthroughMb);
  });

  it.each(['benchmarks.md', 'raspberry-pi.md', 'scaling.md'])('%s quotes the same table and names the run', (name) => {
    const text = doc(name);
    for (const line of measuredTable(figures)) expect(lines(text), `${name}: ${line}`).toContain(line);
    expect(text).toContain(`bench/results/${run}`);
  });

  it('the Pi figures are the measured ones times the stated slow-down, and called estimates', () => {
    const text = doc('raspberry-pi.md');
    for (const line of piTable(figures)) expect(lines(text), line).toContain(line);
    expect(text).toMatch(/\*\*Estimated\*\* for Pis \(nothing here was measured on a Pi\)/);
    expect(text).toMatch(/1\.5–2\.5×[\s\S]*3–5×[\s\S]*6–10×[\s\S]*8–12×/);
  });

  it('no doc states Pi capacity as a measured fact', () => {
    for (const name of ['benchmarks.md', 'raspberry-pi.md', 'scaling.md', 'docker.md'])
      expect(doc(name)).not.toMatch(/serves dozens of guilds/i);
  });
});
