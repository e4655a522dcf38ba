import type { QueuedTrack } from '../core/track.js';
import type { LoudnessPort } from '../ports/loudness.js';

/** What normalization adds to a stream's load options. */
export interface NormalizationOptions {
  readonly gainDb?: number;
  readonly dynamicNormalize?: boolean;
}

export interface SessionSoundDeps {
  readonly loudness: LoudnessPort;
  readonly enabled: () => boolean;
  /** The gain toward the target for a measured loudness (0 keeps passthrough). */
  readonly gainFor: (loudness: NonNullable<ReturnType<LoudnessPort['lookup']>>) => number;
  /** A track's loudness became known after it was first asked for: restyle it if it is playing or preloaded. */
  readonly onMeasured: (entry: QueuedTrack) => void;
}

/** Entries remembered per session: the current one, the next few and a few past ones are plenty. */
const MAX_ENTRIES = 32;

/**
 * One session's loudness normalization: a fixed gain per measured track (unknown tracks play as they are until
 * measured, then switch over in place), a dynamic normalizer for live streams. Each queue entry looks the
 * cache up once (one hit or miss counted per play).
 */
export class SessionSound {
  /** entryId → gain in dB; `null` while being measured or when it can't be. */
  private readonly gains = new Map<number, number | null>();

  constructor(private readonly deps: SessionSoundDeps) {}

  options(entry: QueuedTrack): NormalizationOptions {
    if (!this.deps.enabled()) return {};
    if (entry.isLive === true || entry.durationMs === null) return { dynamicNormalize: true };
    const gain = this.gainOf(entry);
    return gain ? { gainDb: gain } : {};
  }

  /** Starts measuring `entry` ahead of its turn (the next track), so it starts normalized. */
  prepare(entry: QueuedTrack | null): void {
    if (entry && this.deps.enabled()) this.options(entry);
  }

  private gainOf(entry: QueuedTrack): number | null {
    const known = this.gains.get(entry.entryId);
    if (known !== undefined) return known;
    const loudness = this.deps.loudness.lookup(entry);
    if (loudness !== undefined) return this.remember(entry, loudness ? this.deps.gainFor(loudness) : null);
    this.remember(entry, null);
    void this.deps.loudness.measure(entry).then((measured) => {
      if (!measured || !this.gains.has(entry.entryId)) return;
      this.remember(entry, this.deps.gainFor(measured));
      this.deps.onMeasured(entry);
    });
    return null;
  }

  private remember(entry: QueuedTrack, gain: number | null): number | null {
    this.gains.delete(entry.entryId);
    this.gains.set(entry.entryId, gain);
    if (this.gains.size > MAX_ENTRIES) this.gains.delete(this.gains.keys().next().value as number);
    return gain;
  }
}
