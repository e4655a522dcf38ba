import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Every family's name starts with this, default Node metrics included. */
export const METRIC_PREFIX = 'tunebot_';

/** 5 ms … 3 s: the interaction deadline is 3 s, and a healthy deferral takes tens of milliseconds. */
const DEFERRAL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3];
/** Resolves range from a cache hit (ms) to a slow yt-dlp run or a long playlist (tens of seconds). */
const RESOLVE_BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40];

const p = METRIC_PREFIX;

export function commandFamilies(registry: Registry) {
  const registers = [registry];
  return {
    deferral: new Histogram({
      name: `${p}interaction_deferral_seconds`,
      help: 'Time from receiving an interaction to Discord acknowledging its deferral',
      labelNames: ['command'] as const,
      buckets: DEFERRAL_BUCKETS,
      registers,
    }),
    commands: new Counter({
      name: `${p}commands_total`,
      help: 'Slash commands handled',
      labelNames: ['command'] as const,
      registers,
    }),
    errors: new Counter({
      name: `${p}command_errors_total`,
      help: 'Slash commands that failed, by UserError code (internal = a bug or an outage)',
      labelNames: ['command', 'code'] as const,
      registers,
    }),
  };
}

export function resolveFamilies(registry: Registry) {
  const registers = [registry];
  const hits = new Counter({
    name: `${p}resolve_cache_hits_total`,
    help: 'Resolves answered from the song cache',
    labelNames: ['source'] as const,
    registers,
  });
  const misses = new Counter({
    name: `${p}resolve_cache_misses_total`,
    help: 'Resolves that missed the song cache',
    labelNames: ['source'] as const,
    registers,
  });
  const duration = new Histogram({
    name: `${p}resolve_seconds`,
    help: 'Time to resolve a query into tracks',
    labelNames: ['source'] as const,
    buckets: RESOLVE_BUCKETS,
    registers,
  });
  const hitRatio = new Gauge({
    name: `${p}resolve_cache_hit_ratio`,
    help: 'Song cache hits / lookups since start (0 before any lookup)',
    registers,
    async collect() {
      const [h, m] = await Promise.all([sum(hits), sum(misses)]);
      this.set(h + m === 0 ? 0 : h / (h + m));
    },
  });
  return { duration, hits, misses, hitRatio };
}

/** `collect` runs on every scrape of any of the three gauges, so they never disagree with each other. */
export function sessionFamilies(registry: Registry, collect: () => void) {
  const registers = [registry];
  return {
    sessions: new Gauge({
      name: `${p}sessions`,
      help: 'Guild sessions by state',
      labelNames: ['state'] as const,
      registers,
      collect,
    }),
    queued: new Gauge({
      name: `${p}queued_tracks`,
      help: 'Tracks queued (current + upcoming) over all guilds',
      registers,
      collect,
    }),
    queueMax: new Gauge({ name: `${p}queue_length_max`, help: 'Longest single guild queue', registers, collect }),
  };
}

export function voiceFamilies(registry: Registry, perGuild: boolean) {
  const registers = [registry];
  const guild: string[] = perGuild ? ['guild'] : [];
  return {
    reconnects: new Counter({
      name: `${p}voice_reconnects_total`,
      help: 'Voice connections that dropped and rejoined',
      registers,
    }),
    framesSent: new Counter({
      name: `${p}voice_frames_sent_total`,
      help: 'Opus audio frames (20 ms) sent to Discord',
      labelNames: guild,
      registers,
    }),
    framesDeficit: new Counter({
      name: `${p}voice_frames_deficit_total`,
      help: 'Frames due by wall clock but not sent from the source: late (event loop) or missing (source underrun)',
      labelNames: [...guild, 'reason'],
      registers,
    }),
    streams: new Gauge({
      name: `${p}streams`,
      help: 'Open audio streams by pipeline',
      labelNames: ['pipeline'] as const,
      registers,
    }),
  };
}

/** Loudness normalization: every play looks the cache up once; only misses may need an analysis. */
export function loudnessFamilies(registry: Registry) {
  const registers = [registry];
  return {
    hits: new Counter({
      name: `${p}loudness_cache_hits_total`,
      help: 'Plays whose loudness was already known (no analysis)',
      registers,
    }),
    misses: new Counter({
      name: `${p}loudness_cache_misses_total`,
      help: 'Plays whose loudness was not known yet',
      registers,
    }),
    analyses: new Counter({
      name: `${p}loudness_analyses_total`,
      help: 'Loudness analyses run (ffmpeg ebur128 in a background process)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    seconds: new Counter({
      name: `${p}loudness_analysis_seconds_total`,
      help: 'Time spent in loudness analyses',
      registers,
    }),
  };
}

async function sum(counter: Counter<string>): Promise<number> {
  const { values } = await counter.get();
  return values.reduce((total, v) => total + v.value, 0);
}

/** Source failures by catalogue code (YouTube's refusals each have one) and yt-dlp updates (source health: metric-families-ops). */
export function sourceFamilies(registry: Registry) {
  const registers = [registry];
  return {
    failures: new Counter({
      name: `${p}source_failures_total`,
      help: 'Source requests that failed, by catalogue code (e.g. YOUTUBE_BOT_CHECK), whether a command or a queued track met it',
      labelNames: ['source', 'code'] as const,
      registers,
    }),
    ytdlpUpdates: new Counter({
      name: `${p}ytdlp_updates_total`,
      help: 'yt-dlp self-update attempts by result: switched, current (nothing newer), rejected (failed its check), failed',
      labelNames: ['result'] as const,
      registers,
    }),
  };
}
