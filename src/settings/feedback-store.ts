import type { KeyValueStore } from '../ports/store.js';

/** One member's rating as stored (the comment already capped and neutralised by the caller). */
export interface FeedbackEntry {
  readonly userId: string;
  readonly stars: number;
  readonly comment: string | null;
  /** Epoch ms. */
  readonly at: number;
}

/** A guild's feedback: running totals (exact forever) and the latest entries (bounded). */
export interface GuildFeedback {
  readonly count: number;
  readonly starsTotal: number;
  /** counts[0] = one-star ratings … counts[4] = five-star ratings. */
  readonly counts: readonly number[];
  readonly recent: readonly FeedbackEntry[];
}

export type RecordOutcome =
  | { readonly ok: true; readonly summary: GuildFeedback }
  | { readonly ok: false; readonly reason: 'already-today' };

/** Latest entries kept per guild: enough for an owner to read, bounded whatever members send. */
export const RECENT_KEPT = 50;
const DAY_MS = 86_400_000;

export const EMPTY_FEEDBACK: GuildFeedback = Object.freeze({
  count: 0,
  starsTotal: 0,
  counts: [0, 0, 0, 0, 0],
  recent: [],
});

/** `2026-12-02` for an epoch ms (UTC): "once a day" means once per UTC calendar day. */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * `/feedback` ratings per guild in the store: `feedback:<guild>` holds the totals and recent entries,
 * `feedback-day:<guild>:<user>` marks that a member rated on a UTC day (expires after two days). Invariants:
 * one rating per member per UTC day, also against two commands racing (the check and both writes run in one
 * per-guild chain in this process; a guild lives in one shard process); a guild's record never grows past
 * `RECENT_KEPT` entries.
 */
export class FeedbackStore {
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(private readonly store: KeyValueStore) {}

  async summary(guildId: string): Promise<GuildFeedback> {
    return normalise(await this.store.get<GuildFeedback>(`feedback:${guildId}`));
  }

  record(guildId: string, entry: FeedbackEntry): Promise<RecordOutcome> {
    return this.serial(guildId, async () => {
      const dayKey = `feedback-day:${guildId}:${entry.userId}`;
      const today = utcDay(entry.at);
      if ((await this.store.get<string>(dayKey)) === today) return { ok: false, reason: 'already-today' } as const;
      const before = await this.summary(guildId);
      const counts = before.counts.map((n, i) => (i === entry.stars - 1 ? n + 1 : n));
      const summary: GuildFeedback = {
        count: before.count + 1,
        starsTotal: before.starsTotal + entry.stars,
        counts,
        recent: [...before.recent, entry].slice(-RECENT_KEPT),
      };
      await this.store.set(`feedback:${guildId}`, summary);
      await this.store.set(dayKey, today, 2 * DAY_MS);
      return { ok: true, summary } as const;
    });
  }

  private serial<T>(guildId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(guildId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(task);
    this.chains.set(guildId, next);
    void next
      .finally(() => {
        if (this.chains.get(guildId) === next) this.chains.delete(guildId);
      })
      .catch(() => undefined);
    return next;
  }
}

/** A stored record from an older or damaged write still reads as a valid summary. */
function normalise(stored: GuildFeedback | undefined): GuildFeedback {
  if (!stored || typeof stored !== 'object') return EMPTY_FEEDBACK;
  const counts =
    Array.isArray(stored.counts) && stored.counts.length === 5
      ? stored.counts.map((n) => (Number.isFinite(n) ? n : 0))
      : [0, 0, 0, 0, 0];
  const count = counts.reduce((a, b) => a + b, 0);
  const starsTotal = counts.reduce((sum, n, i) => sum + n * (i + 1), 0);
  return { count, starsTotal, counts, recent: Array.isArray(stored.recent) ? stored.recent.slice(-RECENT_KEPT) : [] };
}
