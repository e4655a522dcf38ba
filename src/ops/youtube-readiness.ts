import type { YouTubeHealth, YouTubeHealthState } from '../sources/ytdlp/youtube-health.js';
import type { Ops } from './ops.js';

/** The `/readyz` detail for YouTube's state (undefined when nothing is wrong). */
export function youtubeDetail(state: YouTubeHealthState): string | undefined {
  if (state.status !== 'refusing') return undefined;
  const via = { canary: 'the canary failed', traffic: 'a request was refused', breaker: 'its circuit breaker is open' }[
    state.via
  ];
  return `degraded: YouTube refuses this server (${state.code}; ${via} at ${new Date(state.since).toISOString()}); searches are answered from SoundCloud`;
}

/**
 * YouTube's health on /readyz (a non-critical check: other sources still play, so readiness stays up; the body
 * says "degraded") and on the `source_health{source="youtube"}` gauge (1 up, 0 refusing; absent until known).
 */
export function watchYouTubeHealth(health: YouTubeHealth, ops: Pick<Ops, 'readiness' | 'metrics'>): void {
  ops.readiness.addCheck({
    name: 'youtube',
    critical: false,
    check: () => {
      const detail = youtubeDetail(health.state);
      return { ok: detail === undefined, ...(detail ? { detail } : {}) };
    },
  });
  health.on('stateChange', (_old, next) => {
    if (next.status !== 'unknown') ops.metrics.setSourceHealth('youtube', next.status === 'up');
  });
}
