/**
 * `npm run bench [-- --quick] [-- --only=streaming,latency,...]`: the bot's performance against the offline
 * Discord on this machine. The fake runs in this process, the REAL bot (dist/main.js) in its own process,
 * measured from outside through /proc. Writes bench/results/<date>.json and .md and prints the summary.
 * Figures are reported, never asserted: see docs/benchmarks.md for what each one means.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toneFile } from '../test/offline-discord/index.js';
import { guildsNeeded, makePlan } from './lib/plan.js';
import { renderMarkdown, type BenchResults } from './lib/report.js';
import { BenchStack, summarizeLogs, type BenchGuild } from './lib/stack.js';
import { round } from './lib/stats.js';
import { runCrossfadeCost } from './phases/crossfade.js';
import { runE2eeCost } from './phases/e2ee.js';
import { runTrackGap } from './phases/gap.js';
import { runEngines } from './phases/engines.js';
import { runColdStarts, runDeferralBurst, runFirstAudio } from './phases/latency.js';
import { runPlaylist } from './phases/playlist.js';
import { runQueueOps } from './phases/queue-ops.js';
import { runSoak } from './phases/soak.js';
import { runStreaming, stopAll, type PipelineSpec } from './phases/streaming.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const pipelinesArg = args
  .find((a) => a.startsWith('--pipelines='))
  ?.slice(12)
  .split(',');
const wants = (phase: string) => !only || only.includes(phase);
/** Phases measured inside this process, on the compiled code, without the offline Discord or the bot. */
const IN_PROCESS = ['e2ee', 'queue', 'crossfade'];
const plan = makePlan(quick);
const stepsArg = args.find((a) => a.startsWith('--steps='))?.slice(8);
/** `--dave=0` runs the offline Discord at protocol 0 (transport encryption only) for comparison; default DAVE v1. */
const daveProtocol = Number(args.find((a) => a.startsWith('--dave='))?.slice(7) ?? 1);
if (stepsArg) {
  for (const name of Object.keys(plan.steps) as Array<keyof typeof plan.steps>)
    plan.steps[name] = stepsArg.split(',').map(Number);
  plan.engines.steps = stepsArg.split(',').map(Number);
}
/** `--engines=2,1,0`: the AUDIO_WORKERS values of the engines phase, in this order (on a shared host, reversing the order shows how much the load's drift favoured one). */
const enginesArg = args.find((a) => a.startsWith('--engines='))?.slice(10);
if (enginesArg) plan.engines.workers = enginesArg.split(',').map(Number);
const started = performance.now();
const log = (line: string) =>
  process.stderr.write(`[bench ${round((performance.now() - started) / 1000, 0)}s] ${line}\n`);

// Hard cap: a benchmark must stop on its own whatever happens (quick ~5 min, full ~30 min, plus ~3 / ~15 min
// for the engines phase's three bot restarts). What was measured by then is still written; the bot is a child
// of this process's offline Discord and dies with it.
const capMs = ((quick ? 6 : 32) + (wants('engines') ? (quick ? 4 : 18) : 0)) * 60_000;
const cap = setTimeout(() => {
  log(`time cap of ${capMs / 60_000} min reached: writing what was measured and stopping`);
  results.notes.push(`Stopped by the ${capMs / 60_000}-minute cap: later phases are missing.`);
  finish(3);
}, capMs);
cap.unref();

const results: BenchResults = {
  mode: plan.mode,
  date: new Date().toISOString(),
  machine: machineInfo(),
  plan,
  streaming: [],
  deferral: [],
  firstAudio: [],
  gaps: [],
  notes: [],
  daveProtocol,
};

function machineInfo(): BenchResults['machine'] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  let ffmpeg = 'unknown';
  try {
    ffmpeg =
      execFileSync('ffmpeg', ['-version'], { encoding: 'utf8' }).split('\n')[0]?.replace(' Copyright.*', '') ?? ffmpeg;
  } catch {
    ffmpeg = 'not found';
  }
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    // not a checkout
  }
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: round(totalmem() / 2 ** 30),
    node: process.version,
    ffmpeg: ffmpeg.replace(/ Copyright.*$/, ''),
    loadAtStart: loadavg().map((l) => round(l, 2)),
    loadAtEnd: [],
    bot: `tunebot ${pkg.version} (${commit})`,
  };
}

async function main(): Promise<void> {
  log(
    `mode ${plan.mode}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  if (wants('e2ee')) results.e2ee = await runE2eeCost([1, 100, 300], quick ? 2 : 5, log);
  if (wants('queue')) {
    results.queueOps = await runQueueOps(plan.queueSize);
    log(`queue ops at ${plan.queueSize}: ${JSON.stringify(results.queueOps)}`);
  }
  if (wants('crossfade')) results.crossfade = await runCrossfadeCost([3, 12], quick ? 3 : 7, log);
  // Only in-process phases asked for: no offline Discord, no bot.
  if (only?.every((phase) => IN_PROCESS.includes(phase))) return;
  const { streaming, bursts, total } = guildsNeeded(
    plan,
    only?.every((phase) => phase === 'engines'),
  );
  const stack = await BenchStack.start(total, { relay: !args.includes('--no-relay'), daveProtocol });
  results.shards = stack.shards;
  results.guilds = total;
  // Guilds by purpose: the streaming steps use the first ones, so at N=1 the bot has one session.
  const take = (() => {
    let next = 0;
    return (n: number) => {
      const from = next;
      next += n;
      return stack.guilds.slice(from, next);
    };
  })();
  take(streaming); // reserved for the streaming steps, which address the first guilds directly
  const burstGuilds = take(bursts);
  const coldGuilds = take(plan.coldSamples);
  const [latencyGuild, gapGuild, playlistGuild] = take(3) as [BenchGuild, BenchGuild, BenchGuild];
  const soakGuilds = take(plan.soakLanes);
  const tone = (format: 'ogg' | 'webm' | 'mp3') => (s: BenchStack) =>
    s.media.tone({ hz: 440, seconds: plan.toneSeconds, format });
  // Generate the long tones before any timing starts.
  for (const format of ['ogg', 'webm', 'mp3'] as const) await tone(format)(stack);
  try {
    log(`offline Discord up: ${total} guilds on ${stack.shards} shards; starting the bot`);
    await stack.startBot();
    log(`bot ready (pid ${stack.bot.pid})`);

    if (wants('streaming')) {
      const pipelines: PipelineSpec[] = [
        { name: 'ogg-passthrough', url: tone('ogg') },
        { name: 'webm-passthrough', url: tone('webm') },
        { name: 'mp3-ffmpeg', url: tone('mp3') },
        { name: 'volume-ffmpeg', url: tone('ogg'), volume: 50 },
        // Transcoded with a filter on: the goal "≥ 100 transcoded streams under 1 % late" must hold for it too.
        { name: 'filter-ffmpeg', url: tone('mp3'), filter: 'bassboost' },
      ];
      for (const spec of pipelines.filter((p) => !pipelinesArg || pipelinesArg.includes(p.name))) {
        log(`streaming: ${spec.name}`);
        const atStep =
          spec.name === 'ogg-passthrough' && wants('deferral')
            ? async (n: number, playing: readonly BenchGuild[]) => {
                if (n !== plan.deferralUnderLoadAt) return;
                for (const g of plan.deferralBursts) {
                  const url = (i: number) =>
                    stack.media.tone({ hz: 440, seconds: 30, format: 'ogg' }, `load=${g}-${i}`);
                  const burst = await runDeferralBurst(stack, playing.slice(0, g), url, n, false);
                  results.deferral.push(burst);
                  log(
                    `  deferral G=${g} while ${n} play: p50 ${burst.summary.p50} ms, p99 ${burst.summary.p99} ms, max ${burst.summary.max} ms (bot side p50 ≤ ${burst.botSide?.p50} ms, p99 ≤ ${burst.botSide?.p99} ms)`,
                  );
                }
              }
            : undefined;
        results.streaming.push(
          ...(await runStreaming(stack, spec, {
            steps: plan.steps[spec.name],
            warmMs: plan.warmMs,
            windowMs: plan.windowMs,
            settleMaxMs: plan.settleMaxMs,
            breakLatePct: plan.breakLatePct,
            log,
            ...(atStep ? { atStep } : {}),
          })),
        );
      }
    }
    if (wants('latency')) {
      results.firstAudio.push(await runColdStarts(stack, coldGuilds, log));
      results.firstAudio.push(...(await runFirstAudio(stack, latencyGuild, plan.firstAudioSamples, log)));
    }
    if (wants('gap')) {
      results.gaps.push(await runTrackGap(stack, gapGuild, 'ogg', plan.gapTracks, log));
      results.gaps.push(await runTrackGap(stack, gapGuild, 'mp3', plan.gapTracks, log));
    }
    if (wants('deferral')) {
      // Nothing playing: each /play of the burst also joins voice and starts a stream.
      let offset = 0;
      for (const g of plan.deferralBursts) {
        const guilds = burstGuilds.slice(offset, offset + g);
        offset += g;
        const url = (i: number) => stack.media.tone({ hz: 440, seconds: 30, format: 'ogg' }, `burst=${g}-${i}`);
        const burst = await runDeferralBurst(stack, guilds, url, 0, true);
        results.deferral.push(burst);
        log(
          `  deferral G=${g} idle: p50 ${burst.summary.p50} ms, p99 ${burst.summary.p99} ms, max ${burst.summary.max} ms (bot side p99 ≤ ${burst.botSide?.p99} ms); first audio p50 ${burst.firstAudio?.p50} ms p99 ${burst.firstAudio?.p99} ms`,
        );
        await stopAll(stack, guilds);
      }
    }
    if (wants('playlist')) results.playlist = await runPlaylist(stack, playlistGuild, plan.playlistEntries, log);
    if (wants('soak')) results.soak = await runSoak(stack, soakGuilds, plan.soakCycles, log);
    results.botErrors = summarizeLogs(stack.bot, 50);
    results.botWarnings = summarizeLogs(stack.bot, 40);
    results.botAlive = stack.bot.exitInfo === undefined && (await stack.healthy());
    if ((wants('streaming') || wants('baseline')) && (!pipelinesArg || pipelinesArg.includes('baseline'))) {
      log('streaming: baseline (bot restarted with BENCH_BASELINE_PIPELINE=true)');
      await stack.startBot({ BENCH_BASELINE_PIPELINE: 'true' });
      results.streaming.push(
        ...(await runStreaming(
          stack,
          { name: 'baseline', url: tone('ogg') },
          {
            steps: plan.steps.baseline,
            warmMs: plan.warmMs,
            windowMs: plan.windowMs,
            settleMaxMs: plan.settleMaxMs,
            breakLatePct: plan.breakLatePct,
            log,
          },
        )),
      );
    }
    if (wants('engines')) {
      const options = { warmMs: plan.warmMs, windowMs: plan.windowMs, settleMaxMs: plan.settleMaxMs, log };
      const ogg = await toneFile({ hz: 440, seconds: plan.toneSeconds, format: 'ogg' });
      const bytesPerSec = statSync(ogg).size / plan.toneSeconds;
      const streaming = { ...options, breakLatePct: plan.breakLatePct };
      results.engines = await runEngines(stack, plan.engines, streaming, tone('ogg'), bytesPerSec);
    }
  } finally {
    await stack.close();
  }
}

await main().catch((error: unknown) => {
  results.notes.push(
    `The run stopped early: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  log(`error: ${String(error)}`);
});
finish(0);

/** Writes bench/results/<date>-<mode>.json and .md, prints the summary, and exits. */
function finish(code: number): never {
  results.machine.loadAtEnd = loadavg().map((l) => round(l, 2));
  results.durationS = round((performance.now() - started) / 1000, 0);
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = results.date.replace(/:/g, '-').replace(/\..*$/, '');
  // A run of some phases only is named after them, so it never passes for a full run (the docs quote the latest).
  const name = `${stamp}-${plan.mode}${only ? `-${only.join('+')}` : ''}`;
  const markdown = renderMarkdown(results);
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(dir, `${name}.md`), markdown);
  process.stdout.write(`${markdown}\nWritten: bench/results/${name}.json and .md\n`);
  clearTimeout(cap);
  process.exit(code);
}
