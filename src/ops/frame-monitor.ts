import type { Clock, TimerHandle } from '../ports/clock.js';

/** One frame is 20 ms of Opus audio; Discord expects one every 20 ms while speaking. */
export const FRAME_MS = 20;

/**
 * What the monitor reads from one guild's player, without knowing @discordjs/voice. Fed from the voice
 * adapter (see `discord-voice.ts`):
 * - `resource`: the current AudioResource (any object; identity tells tracks apart). While the player goes
 *   Idle, keep answering with the track that just ended (the adapter's own reference) until it is released,
 *   so the track's last window is closed rather than lost;
 * - `playing`: `player.state.status === AudioPlayerStatus.Playing` (paused, buffering and auto-paused
 *   players owe no frames);
 * - `playedMs`: `resource.playbackDuration`, which grows by 20 only when a real frame was read;
 * - `fillerMs` (optional): `player.state.playbackDuration - resource.playbackDuration`, the silence the
 *   player sent in place of frames the source did not have.
 */
export interface FrameProbe {
  sample(): FrameSample | undefined;
}

export interface FrameSample {
  readonly resource: object;
  readonly playing: boolean;
  readonly playedMs: number;
  readonly fillerMs?: number;
}

/** Where the monitor reports each window (usually `Metrics.recordFrames`). */
export type FrameSink = (guildId: string, sent: number, expected: number, silence: number) => void;

export interface FrameMonitorOptions {
  readonly clock: Clock;
  readonly sink: FrameSink;
  /** Sampling period; default 5 s (Lavalink reports per minute; 5 s localises a hiccup). */
  readonly intervalMs?: number;
}

interface Baseline {
  readonly resource: object;
  readonly at: number;
  readonly playedMs: number;
  readonly fillerMs: number;
}

interface Tracked {
  readonly probe: FrameProbe;
  baseline: Baseline | undefined;
}

/**
 * Estimates the Lavalink-style frame deficit: every `intervalMs`, for each guild that was playing the same
 * resource at both ends of the window, frames the resource advanced (playedMs / 20) are compared with frames
 * due by wall clock (elapsed / 20). Invariant: a window is only counted when nothing could legitimately
 * stop the frames in it: it starts while playing and ends at the next tick (still playing the same
 * resource) or at `interrupt()` (a player state change, which closes it at the moment playback stopped, so
 * a pause inside a window is never counted as missing audio). Anything else starts a fresh baseline.
 */
export class FrameMonitor {
  private readonly tracked = new Map<string, Tracked>();
  private readonly intervalMs: number;
  private timer: TimerHandle | undefined;

  constructor(private readonly options: FrameMonitorOptions) {
    this.intervalMs = options.intervalMs ?? 5000;
  }

  /** Starts watching a guild (replacing any previous probe); returns a function that stops watching it. */
  track(guildId: string, probe: FrameProbe): () => void {
    const entry: Tracked = { probe, baseline: undefined };
    this.tracked.set(guildId, entry);
    this.schedule();
    return () => {
      if (this.tracked.get(guildId) === entry) this.tracked.delete(guildId);
    };
  }

  /**
   * The player changed state (call it on every `stateChange`): the window so far is closed and reported if
   * it played one resource throughout (frames up to the change are final), and a new one starts. Called
   * before the adapter drops its resource, a track's last partial window is not lost either.
   */
  interrupt(guildId: string): void {
    const entry = this.tracked.get(guildId);
    if (entry) this.sampleOne(guildId, entry, this.options.clock.now(), true);
  }

  /** Takes one sample of every tracked guild now (the timer calls this; tests may too). */
  sampleAll(): void {
    const now = this.options.clock.now();
    for (const [guildId, entry] of this.tracked) this.sampleOne(guildId, entry, now);
  }

  stop(): void {
    if (this.timer) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.tracked.clear();
  }

  /** `closing`: a state change ends the window, so it counts even though the player is no longer playing. */
  private sampleOne(guildId: string, entry: Tracked, now: number, closing = false): void {
    let sample: FrameSample | undefined;
    try {
      sample = entry.probe.sample();
    } catch {
      sample = undefined; // a probe on a torn-down player: just skip this window
    }
    const previous = entry.baseline;
    entry.baseline = sample?.playing
      ? { resource: sample.resource, at: now, playedMs: sample.playedMs, fillerMs: sample.fillerMs ?? 0 }
      : undefined;
    if (!sample || !previous || previous.resource !== sample.resource || !(sample.playing || closing)) return;
    const played = sample.playedMs - previous.playedMs;
    const filler = (sample.fillerMs ?? 0) - previous.fillerMs;
    if (played < 0 || now <= previous.at) return;
    this.options.sink(guildId, played / FRAME_MS, (now - previous.at) / FRAME_MS, Math.max(0, filler) / FRAME_MS);
  }

  /** One self-rescheduling timer while anything is tracked; none when idle, so tests and shutdown are clean. */
  private schedule(): void {
    if (this.timer) return;
    const tick = (): void => {
      this.timer = undefined;
      if (this.tracked.size === 0) return;
      this.sampleAll();
      this.schedule();
    };
    this.timer = this.options.clock.setTimeout(tick, this.intervalMs);
    this.timer.unref?.();
  }
}
