import { collectDefaultMetrics, Registry } from 'prom-client';
import { BoundedLabel } from './bounded-label.js';
import {
  commandFamilies,
  loudnessFamilies,
  METRIC_PREFIX,
  resolveFamilies,
  sessionFamilies,
  sourceFamilies,
  voiceFamilies,
} from './metric-families.js';
import { childFamilies, feedbackFamilies, healthFamilies } from './metric-families-ops.js';
import { ProcessSampler } from './process-sampler.js';

export { METRIC_PREFIX } from './metric-families.js';

/** Session states as exported (a destroyed session is gone, so it is not one of them). */
export const SESSION_STATES = ['idle', 'loading', 'playing', 'paused'] as const;
export type SessionStateLabel = (typeof SESSION_STATES)[number];
export type PipelineLabel = 'passthrough' | 'ffmpeg' | 'baseline';

/** What the session gauges need from one guild session at scrape time. */
export interface SessionSample {
  readonly status: string;
  readonly queueLength: number;
}

export interface MetricsOptions {
  /** Label frame counters by guild id. Off by default: one series per guild is unbounded on a big bot. */
  readonly perGuildFrames?: boolean;
  /** Collect Node's default metrics (event-loop lag, heap, GC, fds). Default true. */
  readonly defaultMetrics?: boolean;
  /** Distinct command / source label values kept before the rest become `other` (default 50). */
  readonly maxLabelValues?: number;
  /** Labels on every series, e.g. `{ shard: '1' }` for one process of a sharded bot. */
  readonly defaultLabels?: Readonly<Record<string, string>>;
  /** Sample child processes (yt-dlp, ffmpeg) from /proc at scrape time. Default true. */
  readonly childProcesses?: boolean;
}

/** Frames since start, for in-process history (`/status`): the same numbers the counters carry. */
export interface FrameTotals {
  readonly sent: number;
  readonly late: number;
  readonly missing: number;
}

/** What the health gauges read at scrape time. */
export interface HealthSample {
  readonly ready: boolean;
  readonly storeHealthy: boolean;
}

/**
 * Every application metric, on a registry of its own (never prom-client's global one, so two instances in
 * one process never collide and `/metrics` shows exactly this). Invariant: label cardinality is bounded.
 * Commands and sources are capped (`BoundedLabel`), error codes come from the UserError catalogue plus
 * `internal`, states and pipelines are fixed sets, and guild ids appear only with `perGuildFrames`.
 * Every method is cheap and synchronous, so hot paths (the router, the audio loop) can call it freely.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly commandLabel: BoundedLabel;
  private readonly sourceLabel: BoundedLabel;
  private readonly perGuildFrames: boolean;
  private readonly command = commandFamilies(this.registry);
  private readonly resolve = resolveFamilies(this.registry);
  private readonly session = sessionFamilies(this.registry, () => this.collectSessions());
  private readonly voice: ReturnType<typeof voiceFamilies>;
  private readonly loudness = loudnessFamilies(this.registry);
  private readonly sources = sourceFamilies(this.registry);
  private readonly openStreams: Record<PipelineLabel, number> = { passthrough: 0, ffmpeg: 0, baseline: 0 };
  private sessionProvider: (() => Iterable<SessionSample>) | undefined;
  private healthProvider: () => HealthSample = () => ({ ready: false, storeHealthy: true });
  private readonly health = healthFamilies(this.registry, () => this.healthProvider());
  private readonly feedback = feedbackFamilies(this.registry);
  private readonly totals = { sent: 0, late: 0, missing: 0 };
  private readonly sourceHealthValues = new Map<string, boolean>();

  constructor(options: MetricsOptions = {}) {
    this.perGuildFrames = options.perGuildFrames ?? false;
    this.commandLabel = new BoundedLabel(options.maxLabelValues ?? 50);
    this.sourceLabel = new BoundedLabel(options.maxLabelValues ?? 50);
    if (options.defaultLabels) this.registry.setDefaultLabels({ ...options.defaultLabels });
    this.voice = voiceFamilies(this.registry, this.perGuildFrames);
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
    if (options.childProcesses ?? true) {
      const sampler = new ProcessSampler();
      childFamilies(this.registry, () => sampler.sample());
    }
    // Known series start at 0 so dashboards and rate() see them before the first event.
    this.setSessions({});
    this.setQueues(0, 0);
    for (const pipeline of ['passthrough', 'ffmpeg'] as const) this.voice.streams.set({ pipeline }, 0);
    if (!this.perGuildFrames) for (const reason of ['late', 'missing']) this.voice.framesDeficit.inc({ reason }, 0);
    for (const outcome of ['ok', 'failed'] as const) this.loudness.analyses.inc({ outcome }, 0);
  }

  /** Receipt of the interaction → deferral acknowledged by Discord. */
  observeDeferral(command: string, seconds: number): void {
    this.command.deferral.observe({ command: this.commandLabel.value(command) }, seconds);
  }

  /** One handled command; `code` is the UserError code, or `internal`, when it failed. */
  countCommand(command: string, code?: string): void {
    const label = this.commandLabel.value(command);
    this.command.commands.inc({ command: label });
    if (code !== undefined) this.command.errors.inc({ command: label, code });
  }

  observeResolve(source: string, seconds: number, cached: boolean): void {
    const label = this.sourceLabel.value(source);
    this.resolve.duration.observe({ source: label }, seconds);
    (cached ? this.resolve.hits : this.resolve.misses).inc({ source: label });
  }

  /** A source request failed with catalogue `code` (codes are the fixed catalogue: bounded). */
  countSourceFailure(source: string, code: string): void {
    this.sources.failures.inc({ source: this.sourceLabel.value(source), code });
  }

  countYtDlpUpdate(result: 'switched' | 'current' | 'rejected' | 'failed'): void {
    this.sources.ytdlpUpdates.inc({ result });
  }

  /** Pushes session counts; states not given are 0. Prefer `sampleSessions`, which is pulled at scrape time. */
  setSessions(counts: Partial<Record<string, number>>): void {
    for (const state of SESSION_STATES) this.session.sessions.set({ state }, counts[state] ?? 0);
  }

  /** Total tracks queued over all guilds and the longest single queue (bounded: no per-guild series). */
  setQueues(total: number, max: number): void {
    this.session.queued.set(total);
    this.session.queueMax.set(max);
  }

  /** Reads sessions and queue lengths from `provider` on every scrape, so nothing has to push them. */
  sampleSessions(provider: () => Iterable<SessionSample>): void {
    this.sessionProvider = provider;
  }

  voiceReconnect(): void {
    this.voice.reconnects.inc();
  }

  /**
   * Frame health for one window of playback: `sent` real audio frames against `expected` by wall clock;
   * `silence` of them were filler the player sent because the source had nothing (those count as
   * `missing`, the rest of the deficit as `late`). A negative deficit (a catch-up burst) counts as zero.
   */
  recordFrames(guildId: string, sent: number, expected: number, silence = 0): void {
    const guild = this.perGuildFrames ? { guild: guildId } : {};
    const deficit = Math.max(0, Math.round(expected - sent));
    const missing = Math.min(deficit, Math.max(0, Math.round(silence)));
    this.totals.sent += Math.max(0, Math.round(sent));
    this.totals.missing += missing;
    this.totals.late += deficit - missing;
    if (sent > 0) this.voice.framesSent.inc(guild, Math.round(sent));
    if (missing > 0) this.voice.framesDeficit.inc({ ...guild, reason: 'missing' }, missing);
    if (deficit > missing) this.voice.framesDeficit.inc({ ...guild, reason: 'late' }, deficit - missing);
  }

  loudnessLookup(hit: boolean): void {
    (hit ? this.loudness.hits : this.loudness.misses).inc();
  }

  loudnessAnalysis(ok: boolean, seconds: number): void {
    this.loudness.analyses.inc({ outcome: ok ? 'ok' : 'failed' });
    this.loudness.seconds.inc(seconds);
  }

  streamStarted(pipeline: PipelineLabel): void {
    this.openStreams[pipeline]++;
    this.voice.streams.set({ pipeline }, this.openStreams[pipeline]);
  }

  streamEnded(pipeline: PipelineLabel): void {
    this.openStreams[pipeline] = Math.max(0, this.openStreams[pipeline] - 1);
    this.voice.streams.set({ pipeline }, this.openStreams[pipeline]);
  }

  /** Frames sent and owed since start (cheap; for the per-minute history behind `/status`). */
  frameTotals(): FrameTotals {
    return { ...this.totals };
  }

  /** Open streams by pipeline right now. */
  streamCounts(): Readonly<Record<PipelineLabel, number>> {
    return { ...this.openStreams };
  }

  /** Readiness and store health as gauges (`tunebot_ready`, `tunebot_store_healthy`), read on every scrape. */
  sampleHealth(provider: () => HealthSample): void {
    this.healthProvider = provider;
  }

  /** 1 = the source works, 0 = failing (`tunebot_source_health{source}`). */
  setSourceHealth(source: string, healthy: boolean): void {
    const label = this.sourceLabel.value(source);
    this.sourceHealthValues.set(label, healthy);
    this.health.sourceHealth.set({ source: label }, healthy ? 1 : 0);
  }

  /** The source health last set, by source. */
  sourceHealth(): Readonly<Record<string, boolean>> {
    return Object.fromEntries(this.sourceHealthValues);
  }

  /** `tunebot_build_info{version, node} 1`. */
  setBuildInfo(version: string): void {
    this.health.buildInfo.set({ version, node: process.versions.node }, 1);
  }

  /** One /feedback rating (1-5 stars). */
  observeRating(stars: number): void {
    this.feedback.rating.observe(stars);
  }

  /** Prometheus text exposition of the whole registry, with its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private collectSessions(): void {
    if (!this.sessionProvider) return;
    const counts: Partial<Record<string, number>> = {};
    let total = 0;
    let max = 0;
    for (const sample of this.sessionProvider()) {
      counts[sample.status] = (counts[sample.status] ?? 0) + 1;
      total += sample.queueLength;
      max = Math.max(max, sample.queueLength);
    }
    this.setSessions(counts);
    this.setQueues(total, max);
  }
}
