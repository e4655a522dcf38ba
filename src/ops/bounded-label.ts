/**
 * Caps the distinct values one metric label may take. Label values that come from outside (a stale slash
 * command name, a source name) must not grow the series count without bound: after `max` distinct values,
 * new ones are reported as `other`. Values seen before the cap keep their own series.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(
    private readonly max: number,
    private readonly overflow = 'other',
  ) {}

  /** The label value to use for `raw` (empty strings become `unknown`). */
  value(raw: string): string {
    const clean = raw.trim() || 'unknown';
    if (this.seen.has(clean)) return clean;
    if (this.seen.size >= this.max) return this.overflow;
    this.seen.add(clean);
    return clean;
  }
}
