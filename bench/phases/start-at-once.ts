import { loadavg } from 'node:os';
import type { BenchGuild, BenchStack } from '../lib/stack.js';
import { round, sleep, summarize, type Summary } from '../lib/stats.js';
import { stopAll } from './streaming.js';

/** A frame this far behind its stream's schedule counts as behind. */
export const BEHIND_MS = 40;
const FRAME_MS = 20;

export interface AtOnceRound {
  guilds: number;
  /** Frames judged (the first `ms / 20` of every stream that produced them). */
  frames: number;
  /** Frames more than BEHIND_MS behind schedule (schedule = the stream's first packet + 20 ms × frames since). */
  behind: number;
  behindPct: number;
  /** Per stream: the worst frame's delay behind schedule, ms. */
  worstBehindMs: Summary;
  /** /play dispatched → the stream's first packet at the relay, ms. */
  firstPacketMs: Summary;
  /** The same judgement from the fake's main thread (its recorder, audible frames only): carries its queueing. */
  fakeBehindPct: number;
  /** Streams that did not produce their first `ms` of audio within the timeout (or whose /play failed). */
  failures: number;
  /** The host's 1-minute load average after the round. */
  load1: number;
}

export interface AtOnceResult {
  guilds: number;
  ms: number;
  rounds: AtOnceRound[];
  frames: number;
  behind: number;
  behindPct: number;
  fakeBehindPct: number;
}

/** Frames behind their schedule among the first `count` arrivals; undefined when fewer arrived. */
export function behindSchedule(
  arrivals: readonly number[],
  count: number,
): { behind: number; worst: number } | undefined {
  if (arrivals.length < count) return undefined;
  const first = arrivals[0]!;
  let behind = 0;
  let worst = 0;
  for (let k = 0; k < count; k += 1) {
    const late = arrivals[k]! - (first + FRAME_MS * k);
    if (late > BEHIND_MS) behind += 1;
    if (late > worst) worst = late;
  }
  return { behind, worst };
}

/**
 * "G guilds starting at once": G idle guilds (the bot in voice, nothing playing) get /play in the same instant;
 * for each stream's first `ms` of audio, the share of frames more than 40 ms behind the stream's own schedule.
 * Streams that start in a burst and then catch up show here, where the gap-based late % hides them. Arrival
 * times are the UDP relay thread's (free of the fake's queueing); the fake's own are reported beside them.
 */
export async function runStartAtOnce(
  stack: BenchStack,
  guilds: readonly BenchGuild[],
  options: { ms: number; rounds: number; tag: string; log: (line: string) => void },
): Promise<AtOnceResult> {
  await ensureInVoice(stack, guilds, options.tag);
  const rounds: AtOnceRound[] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    const result = await oneRound(stack, guilds, options.ms, `${options.tag}-${round}`);
    rounds.push(result);
    options.log(
      `  ${guilds.length} at once (round ${round + 1}): ${result.behindPct} % of ${result.frames} frames > ${BEHIND_MS} ms behind schedule (fake main thread ${result.fakeBehindPct} %), worst per stream p50 ${result.worstBehindMs.p50} / max ${result.worstBehindMs.max} ms, first packet p50 ${result.firstPacketMs.p50} / max ${result.firstPacketMs.max} ms, ${result.failures} failed`,
    );
  }
  const frames = rounds.reduce((sum, r) => sum + r.frames, 0);
  const behind = rounds.reduce((sum, r) => sum + r.behind, 0);
  const fakeBehind = rounds.reduce((sum, r) => sum + (r.fakeBehindPct / 100) * r.frames, 0);
  return {
    guilds: guilds.length,
    ms: options.ms,
    rounds,
    frames,
    behind,
    behindPct: frames ? round((behind / frames) * 100, 2) : Number.NaN,
    fakeBehindPct: frames ? round((fakeBehind / frames) * 100, 2) : Number.NaN,
  };
}

/** Guilds the bot is not in voice in yet: one /play and /stop each, so the measured /play only starts a stream. */
async function ensureInVoice(stack: BenchStack, guilds: readonly BenchGuild[], tag: string): Promise<void> {
  const missing = guilds.filter((g) => stack.discord.voice.activeConnection(g.id)?.ssrc === undefined);
  if (missing.length === 0) return;
  const url = await stack.media.tone({ hz: 440, seconds: 30, format: 'ogg' }, `prime-${tag}`);
  for (const guild of missing) {
    const play = stack.command(guild, 'play', { query: url });
    await stack.recorder.waitForAudio(guild.id, play.dispatchedAt, 30_000).catch(() => undefined);
  }
  await stopAll(stack, missing);
}

interface Collected {
  count: number;
  dispatched: number;
  /** Per guild: arrivals at the relay (undefined without one) and audible arrivals at the fake. */
  relay: Array<number[] | undefined>;
  fake: number[][];
  replied: boolean[];
}

async function oneRound(stack: BenchStack, guilds: readonly BenchGuild[], ms: number, tag: string) {
  const collected = await collect(stack, guilds, ms, tag);
  await stopAll(stack, guilds);
  return judge(guilds.length, collected);
}

/** Sends the /play of every guild in one instant and keeps every stream's first packets' arrival times. */
async function collect(stack: BenchStack, guilds: readonly BenchGuild[], ms: number, tag: string): Promise<Collected> {
  const count = Math.round(ms / FRAME_MS);
  const urls = await Promise.all(
    guilds.map((_, i) => stack.media.tone({ hz: 440, seconds: 120, format: 'ogg' }, `atonce=${tag}-${i}`)),
  );
  const ssrcs = guilds.map((g) => stack.discord.voice.activeConnection(g.id)?.ssrc);
  await sleep(1000); // the silence frames after the last /stop are long gone
  await stack.relay?.trace(
    ssrcs.filter((s): s is number => s !== undefined),
    count + 10,
  );
  const fake = guilds.map((g) => stack.recorder.trace(g.id));
  const handles = guilds.map((guild, i) => stack.command(guild, 'play', { query: urls[i]! }));
  const dispatched = handles[0]!.dispatchedAt;
  // Wait (on the fake's view, which lags the relay's) until every stream has its first `ms` of audio.
  const audible = (i: number) => fake[i]!.filter((p) => !p.silence).length;
  const deadline = performance.now() + ms + 20_000;
  while (performance.now() < deadline && guilds.some((_, i) => audible(i) < count)) await sleep(100);
  await sleep(200);
  const relayed = await stack.relay?.untrace();
  const replied = await Promise.all(
    handles.map((h) =>
      stack.reply(h, 10_000).then(
        () => true,
        () => false,
      ),
    ),
  );
  for (const g of guilds) stack.recorder.untrace(g.id);
  return {
    count,
    dispatched,
    relay: ssrcs.map((ssrc) =>
      relayed && ssrc !== undefined ? relayed.get(ssrc)?.filter((t) => t >= dispatched) : undefined,
    ),
    fake: fake.map((trace) => trace.filter((p) => !p.silence && p.at >= dispatched).map((p) => p.at)),
    replied,
  };
}

function judge(guilds: number, c: Collected): AtOnceRound {
  const judged = c.fake.map((fake, i) => ({
    first: (c.relay[i] ?? fake)[0],
    at: behindSchedule(c.relay[i] ?? fake, c.count),
    fake: behindSchedule(fake, c.count),
    ok: c.replied[i],
  }));
  const good = judged.filter((j) => j.ok && j.at);
  const frames = good.length * c.count;
  const behind = good.reduce((sum, j) => sum + j.at!.behind, 0);
  const fakeBehind = good.reduce((sum, j) => sum + (j.fake?.behind ?? 0), 0);
  return {
    guilds,
    frames,
    behind,
    behindPct: frames ? round((behind / frames) * 100, 2) : Number.NaN,
    worstBehindMs: summarize(good.map((j) => j.at!.worst)),
    firstPacketMs: summarize(good.map((j) => j.first! - c.dispatched)),
    fakeBehindPct: frames ? round((fakeBehind / frames) * 100, 2) : Number.NaN,
    failures: guilds - good.length,
    load1: round(loadavg()[0] ?? 0, 2),
  };
}
