import type { PipelineName } from '../phases/streaming.js';

/** What a run measures and how hard it pushes. `--quick` must stay within ~5 minutes on 2 shared cores. */
export interface Plan {
  mode: 'quick' | 'full';
  steps: Record<PipelineName, number[]>;
  warmMs: number;
  windowMs: number;
  settleMaxMs: number;
  breakLatePct: number;
  /** Ogg passthrough N at which the deferral bursts are repeated under load (the goal names 200). */
  deferralUnderLoadAt: number;
  deferralBursts: number[];
  firstAudioSamples: number;
  coldSamples: number;
  gapTracks: number;
  playlistEntries: number;
  soakCycles: number;
  soakLanes: number;
  queueSize: number;
  toneSeconds: number;
  engines: EnginesPlan;
}

/** The `engines` phase: the bot restarted once per AUDIO_WORKERS value, the same measurements on each. */
export interface EnginesPlan {
  /** AUDIO_WORKERS values, in order (0 = the in-process engine). */
  workers: number[];
  /** Ogg passthrough N per engine (stops rising once late frames pass breakLatePct). */
  steps: number[];
  /** At this N (if reached), `deferralGuilds` of the playing guilds get /play in the same instant. */
  deferralAt: number;
  deferralGuilds: number;
  /** Idle guilds (in voice, nothing playing) that get /play at the same moment; rounds of it; audio judged. */
  atOnceGuilds: number;
  atOnceRounds: number;
  atOnceMs: number;
}

export function makePlan(quick: boolean): Plan {
  if (quick) {
    return {
      mode: 'quick',
      steps: {
        'ogg-passthrough': [1, 100, 200, 300],
        'webm-passthrough': [1, 100],
        'mp3-ffmpeg': [1, 50, 100],
        'volume-ffmpeg': [1, 25],
        'filter-ffmpeg': [1, 50, 100],
        baseline: [1, 50, 75],
      },
      warmMs: 1500,
      windowMs: 6000,
      settleMaxMs: 15_000,
      breakLatePct: 5,
      deferralUnderLoadAt: 200,
      deferralBursts: [1, 20, 100],
      firstAudioSamples: 5,
      coldSamples: 3,
      gapTracks: 4,
      playlistEntries: 1000,
      soakCycles: 24,
      soakLanes: 4,
      queueSize: 10_000,
      toneSeconds: 600,
      engines: {
        workers: [0, 1, 2],
        steps: [100, 200],
        deferralAt: 200,
        deferralGuilds: 100,
        atOnceGuilds: 20,
        atOnceRounds: 1,
        atOnceMs: 2500,
      },
    };
  }
  return {
    mode: 'full',
    steps: {
      'ogg-passthrough': [1, 50, 100, 200, 300, 400, 500, 600, 800],
      'webm-passthrough': [1, 50, 100, 200, 300],
      'mp3-ffmpeg': [1, 25, 50, 100, 150, 200],
      'volume-ffmpeg': [1, 25, 50, 100],
      'filter-ffmpeg': [1, 25, 50, 100, 150],
      baseline: [1, 25, 50, 75, 100, 150],
    },
    warmMs: 3000,
    windowMs: 15_000,
    settleMaxMs: 30_000,
    breakLatePct: 5,
    deferralUnderLoadAt: 200,
    deferralBursts: [1, 20, 100],
    firstAudioSamples: 30,
    coldSamples: 10,
    gapTracks: 11,
    playlistEntries: 1000,
    soakCycles: 300,
    soakLanes: 6,
    queueSize: 10_000,
    toneSeconds: 900,
    engines: {
      workers: [0, 1, 2],
      steps: [100, 200, 300],
      deferralAt: 200,
      deferralGuilds: 100,
      atOnceGuilds: 20,
      atOnceRounds: 2,
      atOnceMs: 2500,
    },
  };
}

/**
 * Guilds needed: the largest N, plus dedicated guilds for latency, gaps, playlists and the soak; only the
 * engines phase's largest N when nothing else is run (fewer guilds: faster bot restarts).
 */
export function guildsNeeded(plan: Plan, enginesOnly = false): { streaming: number; bursts: number; total: number } {
  if (enginesOnly) {
    const streaming = Math.max(...plan.engines.steps, plan.engines.atOnceGuilds);
    return { streaming, bursts: 0, total: streaming };
  }
  const streaming = Math.max(...Object.values(plan.steps).flat(), plan.deferralUnderLoadAt, ...plan.engines.steps);
  // Bursts with nothing playing start sessions: guilds of their own, so the streaming steps start from one.
  const bursts = plan.deferralBursts.reduce((a, b) => a + b, 0);
  return { streaming, bursts, total: streaming + bursts + plan.coldSamples + 3 + plan.soakLanes };
}
