import type { Clock } from '../ports/clock.js';
import type { ChildKind, ChildSample } from './metric-families-ops.js';
import type { Metrics, PipelineLabel } from './metrics.js';
import type { ProcessSampler } from './process-sampler.js';
import type { FrameHistory, MinuteSample, WindowSummary } from './status-history.js';
import type { YtDlpVersion, YtDlpVersionProbe } from './ytdlp-version.js';

/** Everything `/status` shows, gathered after the deferral (the yt-dlp probe may spawn once). */
export interface StatusReport {
  readonly uptimeMs: number;
  readonly version: string;
  readonly node: string;
  /** Guilds this process is in, and sessions by state. */
  readonly guilds: number;
  readonly sessions: Readonly<Record<string, number>>;
  readonly streams: Readonly<Record<PipelineLabel, number>>;
  readonly frames5m: WindowSummary;
  readonly hour: readonly MinuteSample[];
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly children: ReadonlyMap<ChildKind, ChildSample>;
  readonly ytdlp: YtDlpVersion;
  readonly sources: Readonly<Record<string, boolean>>;
  readonly storeHealthy: boolean;
  readonly ready: boolean;
  /** The shard id(s) of this process, when sharded. */
  readonly shard: string | undefined;
  /** Where audio runs: on the main thread, or in worker threads (guilds on each). */
  readonly audio: AudioEngineSummary;
}

export type AudioEngineSummary =
  | { readonly kind: 'in-process' }
  | { readonly kind: 'workers'; readonly guilds: readonly number[] };

export interface StatusSourceOptions {
  readonly clock: Clock;
  readonly startedAt: number;
  readonly version: string;
  readonly metrics: Metrics;
  readonly history: FrameHistory;
  readonly children: ProcessSampler;
  readonly ytdlp: YtDlpVersionProbe;
  readonly guildCount: () => number;
  readonly sessionStates: () => Iterable<string>;
  readonly storeHealthy: () => boolean;
  readonly ready: () => boolean;
  readonly shard: string | undefined;
  readonly audio: () => AudioEngineSummary;
}

/** Gathers a StatusReport; cheap apart from the (cached) yt-dlp version. */
export async function gatherStatus(o: StatusSourceOptions): Promise<StatusReport> {
  const sessions: Record<string, number> = {};
  for (const state of o.sessionStates()) sessions[state] = (sessions[state] ?? 0) + 1;
  const memory = process.memoryUsage();
  return {
    uptimeMs: Math.max(0, o.clock.now() - o.startedAt),
    version: o.version,
    node: process.versions.node,
    guilds: o.guildCount(),
    sessions,
    streams: o.metrics.streamCounts(),
    frames5m: o.history.window(5 * 60_000),
    hour: o.history.samples(),
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    children: o.children.sample(),
    ytdlp: await o.ytdlp.get(),
    sources: o.metrics.sourceHealth(),
    storeHealthy: o.storeHealthy(),
    ready: o.ready(),
    shard: o.shard,
    audio: o.audio(),
  };
}
