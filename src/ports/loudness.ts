import type { Track } from '../core/track.js';

/** A track's measured loudness (EBU R128 / ITU-R BS.1770). */
export interface Loudness {
  /** Integrated loudness, LUFS. */
  readonly integratedLufs: number;
  /** True peak, dBTP. */
  readonly truePeakDb: number;
}

/** Where sessions get track loudness for normalization: measured once per track, then cached. */
export interface LoudnessPort {
  /**
   * The loudness if it is known right now (memory), `null` if the track can't be measured, `undefined` if not
   * yet. Counts one cache hit or miss per call, so call it once per play.
   */
  lookup(track: Track): Loudness | null | undefined;
  /** Loads from the store or measures in the background; settles when known (dedupes concurrent calls). */
  measure(track: Track): Promise<Loudness | null>;
}
