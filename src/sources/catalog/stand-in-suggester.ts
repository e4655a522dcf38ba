import { youtubeVideoId } from '../../core/dedup.js';
import type { Track } from '../../core/track.js';
import type { Logger } from '../../ports/logger.js';
import { MATCH_THRESHOLD, bestMatch, searchTextFor, type MatchTarget } from './match-score.js';
import type { TrackSearcher } from './youtube-matcher.js';

export interface StandInSuggesterOptions {
  /** YouTube's flat search (`ytsearch`): what it knows about a video, which the bot check does not block. */
  readonly youtube: TrackSearcher;
  /** SoundCloud's search (`scsearch`). */
  readonly soundcloud: TrackSearcher;
  readonly threshold?: number;
  /** SoundCloud results scored (default 5). */
  readonly candidates?: number;
  readonly logger?: Logger;
}

/** Bracketed decorations of a YouTube title that say nothing about the recording: "(Official Music Video)". */
const DECORATION =
  /\s*[([][^)\]]*\b(?:official|video|audio|lyrics?|visuali[sz]er|hd|hq|4k|mv|remaster(?:ed)?)\b[^)\]]*[)\]]/gi;

/**
 * What a YouTube upload says about the recording: "Artist - Title" uploads name their artist in the title, other
 * uploads are credited to their channel (YouTube Music's "Artist - Topic" without the suffix).
 */
export function videoTarget(video: Track): MatchTarget {
  const channel = (video.artist ?? '').replace(/\s+-\s+Topic$/i, '').trim();
  const title = video.title.replace(DECORATION, '').trim() || video.title;
  const dash = /^(.+?)\s+[-–—]\s+(.+)$/.exec(title);
  const named = dash?.[1]?.trim();
  const artists = [...new Set([named, channel].filter((a): a is string => !!a))];
  return { title: dash?.[2]?.trim() ?? title, artists, durationMs: video.durationMs };
}

/**
 * For a YouTube video YouTube refused to this server: the SoundCloud upload of the same recording, if one scores
 * above the match threshold (the title/artist/duration scorer Spotify matching uses), else null. The video's
 * title comes from YouTube's flat search for its id, accepted only when a result is that very video: yt-dlp's
 * refusal itself carries no title, and without a title nothing is suggested. Never throws: a suggestion is a
 * courtesy on top of the refusal, so any failure finding one just means none.
 */
export class StandInSuggester {
  constructor(private readonly options: StandInSuggesterOptions) {}

  async suggest(videoId: string, signal: AbortSignal): Promise<Track | null> {
    try {
      const video = await this.videoById(videoId, signal);
      if (!video) return null;
      const target = videoTarget(video);
      const results = await this.options.soundcloud.search(searchTextFor(target), signal, this.options.candidates ?? 5);
      const found = bestMatch(target, results, this.options.threshold ?? MATCH_THRESHOLD);
      this.options.logger?.debug({ videoId, found: found?.id ?? null, results: results.length }, 'soundcloud stand-in');
      return found;
    } catch (error) {
      this.options.logger?.debug({ err: error, videoId }, 'no soundcloud stand-in: the lookup failed');
      return null;
    }
  }

  private async videoById(videoId: string, signal: AbortSignal): Promise<Track | null> {
    const results = await this.options.youtube.search(videoId, signal, 5);
    return results.find((t) => youtubeVideoId(t.url) === videoId || t.id === `youtube:${videoId}`) ?? null;
  }
}
