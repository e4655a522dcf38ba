import type { Track } from '../core/track.js';

/** What the autoplay needs from the yt-dlp sources (YtDlpSource, SoundCloudSource, a search). */
export interface RelatedSources {
  readonly youtube: {
    related(track: Track, signal: AbortSignal): Promise<Track[]>;
    search(text: string, signal: AbortSignal, limit?: number): Promise<Track[]>;
  };
  readonly soundcloud: { related(track: Track, signal: AbortSignal): Promise<Track[]> };
}

/**
 * Candidates related to a track, best first: YouTube's Mix for YouTube tracks, SoundCloud's related tracks for
 * SoundCloud ones, and for everything else (files, Spotify/Deezer matches, a related list that came back
 * empty) a search on the track's artist and title. Failures give an empty list: autoplay then says so.
 */
export class RelatedTracks {
  constructor(private readonly sources: RelatedSources) {}

  async candidates(track: Track, signal: AbortSignal): Promise<Track[]> {
    const related = await this.fromSource(track, signal).catch(() => []);
    if (related.length > 0) return related;
    const text = [track.artist, track.title].filter(Boolean).join(' ').slice(0, 200);
    return this.sources.youtube.search(text, signal, 10).catch(() => []);
  }

  private fromSource(track: Track, signal: AbortSignal): Promise<Track[]> {
    if (track.source === 'youtube') return this.sources.youtube.related(track, signal);
    if (track.source === 'soundcloud') return this.sources.soundcloud.related(track, signal);
    return Promise.resolve([]);
  }
}
