import { Gauge, Histogram, type Registry } from 'prom-client';
import { METRIC_PREFIX } from './metric-families.js';

/**
 * The families an owner's dashboard and alert rules read besides the hot-path ones in `metric-families.ts`:
 * health as numbers (Prometheus scrapes numbers, not `/readyz`), build identity, child processes and member
 * feedback. Kept in their own file so the hot-path families stay one screen long.
 */
const p = METRIC_PREFIX;

/** Ratings are whole stars 1-5: one bucket per star, so the distribution is exact. */
export const RATING_BUCKETS = [1, 2, 3, 4, 5];

/** Child process kinds: yt-dlp (with its JavaScript runtime and any ffmpeg it starts), ffmpeg, anything else. */
export const CHILD_KINDS = ['ytdlp', 'ffmpeg', 'other'] as const;
export type ChildKind = (typeof CHILD_KINDS)[number];

export interface ChildSample {
  readonly processes: number;
  readonly residentBytes: number;
  /** Monotonic per kind (see ProcessSampler): CPU of live children plus what exited ones had used. */
  readonly cpuSeconds: number;
}

export function healthFamilies(registry: Registry, readiness: () => { ready: boolean; storeHealthy: boolean }) {
  const registers = [registry];
  return {
    ready: new Gauge({
      name: `${p}ready`,
      help: '1 while /readyz would answer 200 (gateway ready, not shutting down), else 0',
      registers,
      collect() {
        this.set(readiness().ready ? 1 : 0);
      },
    }),
    storeHealthy: new Gauge({
      name: `${p}store_healthy`,
      help: '1 while the settings/queue/cache store answers, 0 while it fails (the bot then runs from memory)',
      registers,
      collect() {
        this.set(readiness().storeHealthy ? 1 : 0);
      },
    }),
    sourceHealth: new Gauge({
      name: `${p}source_health`,
      help: '1 when the source works (its canary passed; until a canary runs: its tool is installed), 0 when failing',
      labelNames: ['source'] as const,
      registers,
    }),
    buildInfo: new Gauge({
      name: `${p}build_info`,
      help: 'Always 1; labels name the running version and Node.js',
      labelNames: ['version', 'node'] as const,
      registers,
    }),
  };
}

export function childFamilies(registry: Registry, sample: () => ReadonlyMap<ChildKind, ChildSample>) {
  const registers = [registry];
  // One sample per scrape feeds all three gauges (the first collect reads /proc, the others reuse it).
  let cached: { at: number; value: ReadonlyMap<ChildKind, ChildSample> } | undefined;
  const read = (): ReadonlyMap<ChildKind, ChildSample> => {
    const now = performance.now();
    if (!cached || now - cached.at > 250) cached = { at: now, value: sample() };
    return cached.value;
  };
  const gauge = (name: string, help: string, pick: (s: ChildSample) => number) =>
    new Gauge({
      name: `${p}${name}`,
      help,
      labelNames: ['kind'] as const,
      registers,
      collect() {
        const samples = read();
        for (const kind of CHILD_KINDS)
          this.set({ kind }, pick(samples.get(kind) ?? { processes: 0, residentBytes: 0, cpuSeconds: 0 }));
      },
    });
  return {
    processes: gauge(
      'child_processes',
      'Child processes of the bot (yt-dlp, ffmpeg) running now, grandchildren included',
      (s) => s.processes,
    ),
    resident: gauge(
      'child_resident_memory_bytes',
      'Resident memory of the child processes by kind',
      (s) => s.residentBytes,
    ),
    cpu: gauge(
      'child_cpu_seconds_total',
      'CPU time used by child processes by kind (monotonic; sampled at scrape)',
      (s) => s.cpuSeconds,
    ),
  };
}

export function feedbackFamilies(registry: Registry) {
  return {
    rating: new Histogram({
      name: `${p}feedback_rating`,
      help: 'Ratings members gave with /feedback (1-5 stars)',
      buckets: RATING_BUCKETS,
      registers: [registry],
    }),
  };
}
