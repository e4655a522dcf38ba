/**
 * Turning a resolved playlist into queue additions: the first playable track(s) at once, the rest in
 * batches in the background, with de-duplication (within the playlist and against the queue), the
 * MAX_PLAYLIST cap, and running counts for the `/play` follow-up ("added 812, 37 duplicates, 3 failed,
 * 148 over the limit").
 *
 * Invariants: every track the playlist offered is counted exactly once (added + duplicates + failed +
 * overCap); `first` tracks were prepared (stream URL fetched, Spotify mapped) when their source can be, so
 * playback starts without another lookup; an unplayable first entry is counted failed and the next tried;
 * the background part stops quietly when the caller's signal aborts.
 */
import { isUserError, SOURCE_OUTAGE_CODES } from '../core/errors.js';
import type { Track } from '../core/track.js';
import { canonicalTrackKey } from '../core/dedup.js';
import { isAbortError } from '../core/transient.js';

export interface PlaylistProgress {
  readonly added: number;
  readonly duplicates: number;
  readonly failed: number;
  readonly overCap: number;
  /** Entries the origin says the playlist has, when known. */
  readonly total: number | null;
  /** True once the background part finished (or there was none). */
  readonly done: boolean;
}

export interface PlaylistLoadOptions {
  readonly signal: AbortSignal;
  /** Canonical keys already queued (see `canonicalTrackKey`), or a live check. */
  readonly existingKeys?: ReadonlySet<string> | ((key: string) => boolean);
  /** Queue repeats anyway (the guild allows duplicates). */
  readonly allowDuplicates?: boolean;
  /** Most tracks to add; clamped to MAX_PLAYLIST (pass the queue's free room). */
  readonly cap?: number;
  /** Tracks to return prepared in `first` (default 1). */
  readonly firstCount?: number;
  /** Tracks per background batch (default 100). */
  readonly batchSize?: number;
  readonly onProgress?: (progress: PlaylistProgress) => void;
}

export interface PlaylistLoad {
  readonly kind: 'track' | 'playlist';
  /** The playlist's title, or the track's. */
  readonly title: string;
  /** Ready to queue now. */
  readonly first: readonly Track[];
  /** The remaining tracks in batches; iterate it (once) to fill the queue. Empty for single tracks. */
  readonly rest: AsyncIterable<readonly Track[]>;
  progress(): PlaylistProgress;
}

/** What the loader needs from the resolver: preparing a track, and fetching the tail at background priority. */
export interface PlaylistLoaderDeps {
  prepare(track: Track, signal: AbortSignal): Promise<void>;
  fetchMore(more: (signal: AbortSignal) => Promise<readonly Track[]>, signal: AbortSignal): Promise<readonly Track[]>;
  /** Called with every track offered (first page + tail) once the load completes, e.g. to cache it. */
  complete?(all: readonly Track[]): void;
  onError?(error: unknown): void;
}

export interface PlaylistInput {
  readonly title: string;
  readonly tracks: readonly Track[];
  readonly more?: (signal: AbortSignal) => Promise<readonly Track[]>;
  readonly skipped: number;
  readonly total?: number;
}

/** First entries we try to prepare before giving up on verification (a broken origin must not stall /play). */
const PREPARE_ATTEMPTS = 3;

type Verdict = 'added' | 'duplicate' | 'overCap';

/** Stateful dedup + cap + counters for one load. */
class Tally {
  added = 0;
  duplicates = 0;
  failed: number;
  overCap = 0;
  done = false;
  private readonly seen = new Set<string>();

  constructor(
    private readonly options: PlaylistLoadOptions,
    private readonly cap: number,
    skipped: number,
    readonly total: number | null,
  ) {
    this.failed = skipped;
  }

  get full(): boolean {
    return this.added >= this.cap;
  }

  offer(track: Track): Verdict {
    const key = canonicalTrackKey(track);
    const existing = this.options.existingKeys;
    const queued = typeof existing === 'function' ? existing(key) : (existing?.has(key) ?? false);
    if (!this.options.allowDuplicates && (this.seen.has(key) || queued)) {
      this.duplicates++;
      return 'duplicate';
    }
    this.seen.add(key);
    if (this.added >= this.cap) {
      this.overCap++;
      return 'overCap';
    }
    this.added++;
    return 'added';
  }

  /** An added track turned out unplayable. */
  unadd(): void {
    this.added--;
    this.failed++;
  }

  /** Ends the load; entries the origin announced but we never saw count as `unseen` (failed or over the cap). */
  finish(unseen: 'failed' | 'overCap' = 'failed'): void {
    const missing = this.total === null ? 0 : Math.max(0, this.total - this.counted());
    if (unseen === 'failed') this.failed += missing;
    else this.overCap += missing;
    this.done = true;
  }

  counted(): number {
    return this.added + this.duplicates + this.failed + this.overCap;
  }

  snapshot(): PlaylistProgress {
    const { added, duplicates, failed, overCap, total, done } = this;
    return { added, duplicates, failed, overCap, total, done };
  }
}

export async function loadPlaylist(
  input: PlaylistInput,
  options: PlaylistLoadOptions,
  cap: number,
  deps: PlaylistLoaderDeps,
): Promise<PlaylistLoad> {
  const tally = new Tally(options, cap, input.skipped, input.total ?? null);
  const pending = [...input.tracks];
  const first = await takeFirst(pending, tally, options, deps);
  const batch = Math.max(1, options.batchSize ?? 100);
  const rest = restOf(pending, input, tally, options, deps, batch);
  if (!input.more && pending.length === 0) {
    tally.finish();
    deps.complete?.(input.tracks);
  }
  options.onProgress?.(tally.snapshot());
  return { kind: 'playlist', title: input.title, first, rest, progress: () => tally.snapshot() };
}

async function takeFirst(
  pending: Track[],
  tally: Tally,
  options: PlaylistLoadOptions,
  deps: PlaylistLoaderDeps,
): Promise<Track[]> {
  const first: Track[] = [];
  let attempts = 0;
  while (first.length < (options.firstCount ?? 1) && pending.length > 0) {
    const track = pending.shift() as Track;
    if (tally.offer(track) !== 'added') continue;
    if (attempts++ >= PREPARE_ATTEMPTS) {
      first.push(track);
      continue;
    }
    try {
      await deps.prepare(track, options.signal);
      first.push(track);
    } catch (error) {
      if (options.signal.aborted || isAbortError(error)) throw error;
      if (isUserError(error) && !SOURCE_OUTAGE_CODES.has(error.code)) tally.unadd();
      else {
        deps.onError?.(error);
        first.push(track); // an outage, not a bad entry: let playback try (and report) it
      }
    }
  }
  return first;
}

async function* restOf(
  pending: Track[],
  input: PlaylistInput,
  tally: Tally,
  options: PlaylistLoadOptions,
  deps: PlaylistLoaderDeps,
  batchSize: number,
): AsyncGenerator<readonly Track[]> {
  if (tally.done) return;
  const all = [...input.tracks];
  yield* batches(pending, tally, options, batchSize);
  if (input.more && tally.full) {
    // Nothing more could be added: skip the requests, count the rest as over the cap.
    tally.finish('overCap');
    options.onProgress?.(tally.snapshot());
    return;
  }
  if (input.more && !options.signal.aborted) {
    let tail: readonly Track[] = [];
    try {
      tail = await deps.fetchMore(input.more, options.signal);
    } catch (error) {
      if (options.signal.aborted) return;
      deps.onError?.(error);
    }
    all.push(...tail);
    yield* batches([...tail], tally, options, batchSize);
  }
  if (options.signal.aborted) return;
  tally.finish();
  options.onProgress?.(tally.snapshot());
  deps.complete?.(all);
}

async function* batches(
  tracks: Track[],
  tally: Tally,
  options: PlaylistLoadOptions,
  size: number,
): AsyncGenerator<readonly Track[]> {
  while (tracks.length > 0 && !options.signal.aborted) {
    const accepted: Track[] = [];
    for (const track of tracks.splice(0, size)) if (tally.offer(track) === 'added') accepted.push(track);
    if (accepted.length > 0) {
      options.onProgress?.(tally.snapshot());
      yield accepted;
    }
  }
}
