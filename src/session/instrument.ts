import type { PreparedAudio } from '../ports/voice.js';
import type { TrackLoader } from './track-loader.js';
import type { Metrics } from '../ops/metrics.js';

/**
 * Counts a prepared stream in the `streams` gauge until it is disposed. Invariant: the gauge goes down
 * exactly once per stream, because `dispose` is idempotent and may be called by both the session (a stale
 * load) and the voice link (track end); only the first call decrements.
 */
export function instrumentAudio(
  metrics: Pick<Metrics, 'streamStarted' | 'streamEnded'>,
  audio: PreparedAudio,
): PreparedAudio {
  metrics.streamStarted(audio.pipeline);
  let open = true;
  return {
    stream: audio.stream,
    container: audio.container,
    pipeline: audio.pipeline,
    ...(audio.inlineVolume !== undefined ? { inlineVolume: audio.inlineVolume } : {}),
    ...(audio.servedBy ? { servedBy: audio.servedBy } : {}),
    dispose: () => {
      if (open) {
        open = false;
        metrics.streamEnded(audio.pipeline);
      }
      audio.dispose();
    },
  };
}

/** A TrackLoader whose every prepared stream is counted in the `streams` gauge until disposed. */
export function instrumentLoader(
  loader: TrackLoader,
  metrics: Pick<Metrics, 'streamStarted' | 'streamEnded'>,
): TrackLoader {
  return { load: async (track, options) => instrumentAudio(metrics, await loader.load(track, options)) };
}

/** Seconds since `startMs` on a millisecond clock (for histogram observations). */
export const secondsSince = (startMs: number, nowMs: number): number => Math.max(0, nowMs - startMs) / 1000;
