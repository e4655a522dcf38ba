import { collectDefaultMetrics, Registry } from 'prom-client';
import { BoundedLabel } from './bounded-label.js';
import { commandFamilies, METRIC_PREFIX, resolveFamilies, sessionFamilies, sourceFamilies, voiceFamilies } from './metric-families.js';

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
  private readonly sources = sourceFamilies(this.registry);
  private readonly openStreams: Record<PipelineLabel, number> = { passthrough: 0, ffmpeg: 0, baseline: 0 };
  private sessionProvider: (() => Iterable<SessionSample>) | undefined;

  constructor(options: MetricsOptions = {}) {
    this.perGuildFrames = options.perGuildFrames ?? false;
    this.commandLabel = new BoundedLabel(options.maxLabelValues ?? 50);
    this.sourceLabel = new BoundedLabel(options.maxLabelValues ?? 50);
    this.voice = voiceFamilies(this.registry, this.perGuildFrames);
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
    // Known series start at 0 so dashboards and rate() see them before the first event.
    this.setSessions({});
    this.setQueues(0, 0);
    for (const pipeline of ['passthrough', 'ffmpeg'] as const) this.voice.streams.set({ pipeline }, 0);
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

  /** 1 when `source` serves this server, 0 when it refuses it. */
  setSourceHealth(source: string, up: boolean): void {
    this.sources.health.set({ source: this.sourceLabel.value(source) }, up ? 1 : 0);
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
    if (sent > 0) this.voice.framesSent.inc(guild, Math.round(sent));
    if (missing > 0) this.voice.framesDeficit.inc({ ...guild, reason: 'missing' }, missing);
    if (deficit > missing) this.voice.framesDeficit.inc({ ...guild, reason: 'late' }, deficit - missing);
  }

  streamStarted(pipeline: PipelineLabel): void {
    this.openStreams[pipeline]++;
    this.voice.streams.set({ pipeline }, this.openStreams[pipeline]);
  }

  streamEnded(pipeline: PipelineLabel): void {
    this.openStreams[pipeline] = Math.max(0, this.openStreams[pipeline] - 1);
    this.voice.streams.set({ pipeline }, this.openStreams[pipeline]);
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
