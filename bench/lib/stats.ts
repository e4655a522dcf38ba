/** Small statistics helpers for the benchmark. Pure. */

/** The q-quantile (0..1) of `values` by nearest rank; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  return {
    n,
    p50: round(quantile(values, 0.5)),
    p99: round(quantile(values, 0.99)),
    max: round(n ? Math.max(...values) : Number.NaN),
    mean: round(n ? values.reduce((a, b) => a + b, 0) / n : Number.NaN),
  };
}

/** Least-squares slope of y over x. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return Number.NaN;
  const mx = xs.slice(0, n).reduce((a, b) => a + b, 0) / n;
  const my = ys.slice(0, n).reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i += 1) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

/**
 * Theil–Sen slope: the median of all pairwise slopes. Robust to the sawtooth of a garbage-collected heap,
 * where a least-squares line would follow whichever GC happened to land near the end.
 */
export function robustSlope(xs: readonly number[], ys: readonly number[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < xs.length; i += 1) {
    for (let j = i + 1; j < xs.length; j += 1) {
      if (xs[j] !== xs[i]) slopes.push((ys[j]! - ys[i]!) / (xs[j]! - xs[i]!));
    }
  }
  return quantile(slopes, 0.5);
}

/** A histogram of millisecond gaps in 0.5 ms bins up to `maxMs` (the last bin holds everything above). */
export class GapHistogram {
  readonly bins: Uint32Array;
  count = 0;

  constructor(private readonly maxMs = 2000) {
    this.bins = new Uint32Array(maxMs * 2 + 1);
  }

  add(ms: number): void {
    const bin = Math.min(this.bins.length - 1, Math.max(0, Math.round(ms * 2)));
    this.bins[bin]! += 1;
    this.count += 1;
  }

  merge(other: GapHistogram): void {
    for (let i = 0; i < this.bins.length; i += 1) this.bins[i]! += other.bins[i]!;
    this.count += other.count;
  }

  quantile(q: number): number {
    if (this.count === 0) return Number.NaN;
    const target = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < this.bins.length; i += 1) {
      seen += this.bins[i]!;
      if (seen >= target) return i / 2;
    }
    return this.maxMs;
  }

  /** How many gaps were longer than `ms`. */
  over(ms: number): number {
    let n = 0;
    for (let i = Math.floor(ms * 2) + 1; i < this.bins.length; i += 1) n += this.bins[i]!;
    return n;
  }

  reset(): void {
    this.bins.fill(0);
    this.count = 0;
  }
}

export function round(value: number, digits = 1): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `task` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
