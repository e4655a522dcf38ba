import type { YtDlpObserver } from './ytdlp-client.js';
import { isSoundCloudUrl } from './soundcloud-source.js';
import type { OwnerAdvisor } from './youtube-advisor.js';
import { isYouTubeFailureCode } from './youtube-failures.js';
import type { YouTubeHealth } from './youtube-health.js';
import { isYoutubeUrl } from './ytdlp-source.js';

export interface YouTubeObserverDeps {
  readonly health: YouTubeHealth;
  readonly advisor: OwnerAdvisor;
  /** `/metrics`: source_failures_total{source, code}. */
  readonly countFailure?: (source: 'youtube' | 'soundcloud', code: string) => void;
}

/** Which site a yt-dlp target belongs to: a page URL, or a search prefix (`ytsearch`, `scsearch`). */
function siteOf(target: string): 'youtube' | 'soundcloud' | 'other' {
  if (target === 'ytsearch') return 'youtube';
  if (target === 'scsearch') return 'soundcloud';
  if (!URL.canParse(target)) return 'other';
  const url = new URL(target);
  return isYoutubeUrl(url) ? 'youtube' : isSoundCloudUrl(url) ? 'soundcloud' : 'other';
}

/**
 * What the shared yt-dlp client's outcomes mean for operations: every classified failure is counted by source
 * and code; YouTube's feed its health (fallback, /readyz, the gauge) and, when the owner can fix them, the
 * hourly remedy line; a YouTube video resolved proves YouTube serves this server.
 */
export function youtubeObserver({ health, advisor, countFailure }: YouTubeObserverDeps): YtDlpObserver {
  return {
    failed(code, target) {
      const site = siteOf(target);
      if (site === 'other') return;
      countFailure?.(site, code);
      if (site !== 'youtube') return;
      health.failed(code);
      if (isYouTubeFailureCode(code)) advisor.advise(code);
    },
    resolved(target) {
      if (siteOf(target) === 'youtube') health.succeeded();
    },
  };
}
