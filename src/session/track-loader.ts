import type { FilterPreset } from '../core/audio-filter.js';
import type { Track } from '../core/track.js';
import type { AudioPipeline } from '../media/pipeline.js';
import type { PreparedAudio } from '../ports/voice.js';
import type { Source } from '../ports/source.js';

export interface LoadOptions {
  readonly startMs: number;
  readonly volume: number;
  /** Default `off`. */
  readonly filter?: FilterPreset;
  /** Loudness normalization: a measured track's gain (dB), or a dynamic normalizer for a live one. */
  readonly gainDb?: number;
  readonly dynamicNormalize?: boolean;
  readonly signal: AbortSignal;
}

/** Turns a queued track into audio ready for the voice link: the source's bytes through the pipeline. */
export interface TrackLoader {
  load(track: Track, options: LoadOptions): Promise<PreparedAudio>;
}

export class SourceTrackLoader implements TrackLoader {
  constructor(
    private readonly sources: Pick<Source, 'stream'>,
    private readonly pipeline: AudioPipeline,
    private readonly options: { readonly bitrate?: number; readonly baseline?: boolean } = {},
  ) {}

  async load(track: Track, options: LoadOptions): Promise<PreparedAudio> {
    const media = await this.sources.stream(track, { startMs: options.startMs, signal: options.signal });
    try {
      const { bitrate = 96_000, baseline = false } = this.options;
      const audio = await this.pipeline.prepare(media, { ...options, bitrate, baseline });
      return media.servedBy ? { ...audio, servedBy: media.servedBy } : audio;
    } catch (error) {
      media.stream.destroy();
      throw error;
    }
  }
}
