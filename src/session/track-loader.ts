import type { Track } from '../core/track.js';
import type { AudioPipeline } from '../media/pipeline.js';
import type { PreparedAudio } from '../ports/voice.js';
import type { SourceRegistry } from '../sources/source-registry.js';

export interface LoadOptions {
  readonly startMs: number;
  readonly volume: number;
  readonly signal: AbortSignal;
}

/** Turns a queued track into audio ready for the voice link: the source's bytes through the pipeline. */
export interface TrackLoader {
  load(track: Track, options: LoadOptions): Promise<PreparedAudio>;
}

export class SourceTrackLoader implements TrackLoader {
  constructor(
    private readonly sources: SourceRegistry,
    private readonly pipeline: AudioPipeline,
    private readonly bitrate = 96_000,
  ) {}

  async load(track: Track, options: LoadOptions): Promise<PreparedAudio> {
    const media = await this.sources.stream(track, { startMs: options.startMs, signal: options.signal });
    try {
      return await this.pipeline.prepare(media, { ...options, bitrate: this.bitrate });
    } catch (error) {
      media.stream.destroy();
      throw error;
    }
  }
}
