/**
 * The per-stream figures the docs quote (docs/benchmarks.md, docs/raspberry-pi.md, docs/scaling.md), derived from
 * one measured source: the latest full run's summary in bench/results/. Passthrough at the passthrough goal's
 * N=300 (Ogg Opus), transcoding at the transcoding goal's N=100 (MP3 via ffmpeg): CPU is the bot's (plus its
 * ffmpeg children's) CPU there divided by N; memory is the goal line's bot RSS per extra passthrough stream and
 * ffmpeg's PSS per transcoded stream. The Pi rows are estimates: these figures times a CPU slow-down range.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export const RESULTS_DIR = join(import.meta.dirname, '..', '..', '..', 'bench', 'results');

/** The newest `*-full.md` (file names start with the run's UTC time, so they sort by date). */
export function latestFullRun(): string {
  const runs = readdirSync(RESULTS_DIR)
    .filter((f) => f.endsWith('-full.md'))
    .sort();
  const latest = runs.at(-1);
  if (!latest) throw new Error(`no full bench run in ${RESULTS_DIR}`);
  return latest;
}

/** A row of a pipeline's streaming-cost table, by its column names. */
function row(summary: string, pipeline: string, n: number): Record<string, number> {
  const section = summary.split(`### ${pipeline}\n`)[1]?.split('\n### ')[0] ?? '';
  const lines = section.split('\n').filter((l) => l.startsWith('|'));
  const header = (lines[0] ?? '').split('|').map((c) => c.trim());
  const found = lines.find((l) => l.split('|')[1]?.trim() === String(n));
  if (!found) throw new Error(`${pipeline}: no row for N=${n}`);
  const cells = found.split('|').map((c) => c.trim());
  return Object.fromEntries(header.map((name, i) => [name, Number(cells[i])]));
}

export interface PerStream {
  readonly passthroughCpu: number;
  readonly passthroughMb: number;
  readonly transcodeCpu: number;
  readonly transcodeMb: number;
}

export function perStream(summary: string): PerStream {
  const ogg = row(summary, 'Ogg Opus passthrough', 300);
  const mp3 = row(summary, 'MP3 via ffmpeg', 100);
  const rss = /memory per passthrough stream \|[^|]*\| ([\d.]+) MB\/stream/.exec(summary)?.[1];
  if (!rss) throw new Error('no "memory per passthrough stream" goal line');
  return {
    passthroughCpu: (ogg['bot CPU %'] ?? Number.NaN) / 300,
    passthroughMb: Number(rss),
    transcodeCpu: ((mp3['bot CPU %'] ?? Number.NaN) + (mp3['ffmpeg CPU %'] ?? Number.NaN)) / 100,
    transcodeMb: (mp3['ffmpeg PSS MB'] ?? Number.NaN) / 100,
  };
}

/** The table every doc quotes, line for line. */
export function measuredTable(f: PerStream): string[] {
  const mb = f.passthroughMb.toFixed(2);
  return [
    '| per stream | CPU (share of one core) | memory |',
    '| --- | --- | --- |',
    `| Opus passthrough | ${f.passthroughCpu.toFixed(2)} % | ${mb} MB (bot RSS) |`,
    `| transcoding (ffmpeg + Opus encode) | ${f.transcodeCpu.toFixed(1)} % | ${f.transcodeMb.toFixed(1)} MB (ffmpeg PSS) + ${mb} MB |`,
  ];
}

/** How much slower than one core of the bench machine each Pi's core is estimated to be (not measured). */
export const PI_SLOWDOWN = [
  ['Pi 5', 1.5, 2.5],
  ['Pi 4', 3, 5],
  ['Pi 3 B+', 6, 10],
  ['Pi Zero 2 W', 8, 12],
] as const;

export function piTable(f: PerStream): string[] {
  const range = (x: number, lo: number, hi: number) => `${(x * lo).toFixed(1)}–${(x * hi).toFixed(1)} %`;
  return [
    '| Pi (estimate) | passthrough | transcoding | cores |',
    '| --- | --- | --- | --- |',
    ...PI_SLOWDOWN.map(
      ([pi, lo, hi]) => `| ${pi} | ${range(f.passthroughCpu, lo, hi)} | ${range(f.transcodeCpu, lo, hi)} | 4 |`,
    ),
  ];
}
