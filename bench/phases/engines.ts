import type { EnginesPlan } from '../lib/plan.js';
import { memoryMap, memoryOf, type MemoryMap } from '../lib/proc.js';
import { summarizeLogs, type BenchGuild, type BenchStack } from '../lib/stack.js';
import { round, sleep } from '../lib/stats.js';
import { runDeferralBurst, type DeferralResult } from './latency.js';
import { runStartAtOnce, type AtOnceResult } from './start-at-once.js';
import { runStreaming, startStreams, stopAll, type StepResult, type StreamingOptions } from './streaming.js';

export interface EngineResult {
  /** AUDIO_WORKERS (0 = the in-process engine). */
  workers: number;
  /** What the bot said it runs: the worker count from its "audio engine: worker threads" line, or 0. */
  confirmedWorkers: number;
  /** Bot RSS a few seconds after start, no guild in voice yet. */
  restRssMb: number;
  /** Ogg Opus passthrough at each N. */
  steps: StepResult[];
  /** Where the bot's RSS is, at rest (n = 0) and after each step (smaps). */
  memory: Array<{ n: number } & MemoryMap>;
  /** `deferralGuilds` /play in one instant while `deferralAt` streams play. */
  deferral?: DeferralResult;
  atOnce?: AtOnceResult;
  /** Bot alive with /healthz ok after the engine's last measurement. */
  botAlive: boolean;
  botErrors: string[];
  botWarnings: string[];
  /** Bytes per second of the Ogg source (what the main thread ships to a worker per stream). */
  sourceBytesPerSec: number;
  error?: string;
}

/**
 * Issue 15's comparison: the bot restarted with AUDIO_WORKERS=0 (in-process), 1, 2, ... and on each the same
 * Ogg Opus passthrough steps (with a deferral burst at one of them) and "G guilds starting at once".
 */
export async function runEngines(
  stack: BenchStack,
  plan: EnginesPlan,
  streaming: Omit<StreamingOptions, 'steps' | 'atStep'>,
  url: (s: BenchStack) => Promise<string>,
  sourceBytesPerSec: number,
): Promise<EngineResult[]> {
  const results: EngineResult[] = [];
  for (const workers of plan.workers) {
    streaming.log(`engines: bot restarted with AUDIO_WORKERS=${workers}`);
    const result: EngineResult = {
      workers,
      confirmedWorkers: -1,
      restRssMb: 0,
      steps: [],
      memory: [],
      botAlive: false,
      botErrors: [],
      botWarnings: [],
      sourceBytesPerSec: round(sourceBytesPerSec, 0),
    };
    results.push(result);
    try {
      await runOneEngine(stack, plan, streaming, url, result);
    } catch (error) {
      result.error = error instanceof Error ? error.message : String(error);
      streaming.log(`  AUDIO_WORKERS=${workers} stopped early: ${result.error}`);
    }
    if (!stack.bot) continue;
    result.botAlive = stack.bot.exitInfo === undefined && (await stack.healthy());
    result.botErrors = summarizeLogs(stack.bot, 50);
    result.botWarnings = summarizeLogs(stack.bot, 40);
  }
  return results;
}

async function runOneEngine(
  stack: BenchStack,
  plan: EnginesPlan,
  streaming: Omit<StreamingOptions, 'steps' | 'atStep'>,
  url: (s: BenchStack) => Promise<string>,
  result: EngineResult,
): Promise<void> {
  const { workers } = result;
  await stack.startBot({ AUDIO_WORKERS: String(workers) });
  const line = stack.bot.logs.find((l) => l.json?.msg === 'audio engine: worker threads');
  result.confirmedWorkers = Number(line?.json?.audioWorkers ?? 0);
  await sleep(2000);
  result.restRssMb = round(memoryOf(stack.bot.pid!).botRssMb);
  const map = (n: number) => {
    const m = memoryMap(stack.bot.pid!);
    if (m) result.memory.push({ n, ...m });
  };
  map(0);
  const atStep = async (n: number, playing: readonly BenchGuild[]) => {
    if (result.memory.every((m) => m.n !== n)) map(n);
    if (n !== plan.deferralAt) return;
    const tone = (i: number) =>
      stack.media.tone({ hz: 440, seconds: 30, format: 'ogg' }, `engine=${workers}-load-${i}`);
    const burst = await runDeferralBurst(stack, playing.slice(0, plan.deferralGuilds), tone, n, false);
    result.deferral = burst;
    streaming.log(
      `  AUDIO_WORKERS=${workers}: ${burst.guilds} commands at once while ${n} play: deferral p50 ${burst.summary.p50} ms, p99 ${burst.summary.p99} ms, max ${burst.summary.max} ms (bot side p99 ≤ ${burst.botSide?.p99} ms)`,
    );
  };
  result.steps = await runStreaming(
    stack,
    { name: 'ogg-passthrough', url },
    { ...streaming, steps: plan.steps, atStep },
  );
  if (!result.deferral && plan.deferralAt <= stack.guilds.length)
    await deferralAnyway(stack, plan, streaming, url, atStep, result);
  result.atOnce = await runStartAtOnce(stack, stack.guilds.slice(0, plan.atOnceGuilds), {
    ms: plan.atOnceMs,
    rounds: plan.atOnceRounds,
    tag: `engine=${workers}`,
    log: streaming.log,
  });
}

/** The steps broke before `deferralAt`: that many streams are started anyway (not measured) for the burst. */
async function deferralAnyway(
  stack: BenchStack,
  plan: EnginesPlan,
  streaming: Omit<StreamingOptions, 'steps' | 'atStep'>,
  url: (s: BenchStack) => Promise<string>,
  atStep: (n: number, playing: readonly BenchGuild[]) => Promise<void>,
  result: EngineResult,
): Promise<void> {
  const guilds = stack.guilds.slice(0, plan.deferralAt);
  const failed = await startStreams(stack, guilds, await url(stack), { name: 'ogg-passthrough', url }, streaming.log);
  streaming.log(`  ${guilds.length - failed}/${guilds.length} streams started for the deferral burst`);
  await sleep(streaming.warmMs);
  try {
    await atStep(plan.deferralAt, guilds);
    const burst = result.deferral as DeferralResult | undefined;
    if (burst) result.deferral = { ...burst, playing: guilds.length - failed };
  } finally {
    await stopAll(stack, guilds);
  }
}
