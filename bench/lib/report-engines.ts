import type { EngineResult } from '../phases/engines.js';
import type { StepResult } from '../phases/streaming.js';
import type { BenchResults } from './report.js';
import { round, slope } from './stats.js';

/** The engines phase's section of the summary: capacity per AUDIO_WORKERS, start-at-once, deferral, overhead. */

const late = (s: StepResult) => s.relay?.latePct ?? s.latePct;
const label = (e: EngineResult) =>
  e.workers === 0 ? 'in-process (0)' : `${e.workers} worker${e.workers > 1 ? 's' : ''}`;
/** Largest message the main thread ships (src/engine/audio-shipper.ts CHUNK_BYTES). */
const CHUNK_BYTES = 16 * 1024;
/** FrameMonitor's report per guild every 5 s (src/engine/engine-worker.ts). */
const FRAME_REPORTS_PER_SEC = 0.2;

/** The highest N up to which every step stayed under 0.5 % late, and whether no step failed at all. */
export function cleanCapacity(e: EngineResult): { n: number; unbroken: boolean } {
  let n = 0;
  for (const s of e.steps) {
    if (late(s) >= 0.5 || s.failed > 0) return { n, unbroken: false };
    n = s.n;
  }
  return { n, unbroken: true };
}

/** CPU % of one core per stream of the thread(s) that run the players, at a step. */
export function audioThreadPctPerStream(e: EngineResult, s: StepResult): number | undefined {
  const t = s.botThreads;
  if (!t || s.n === 0) return undefined;
  const audio = e.workers === 0 ? t.mainPct : t.busiestPct.slice(0, e.workers).reduce((a, b) => a + b, 0);
  return audio / s.n;
}

/** RSS slope over the steps (MB per extra stream), least squares. */
export function mbPerStream(e: EngineResult): number {
  return slope(
    e.steps.map((s) => s.n),
    e.steps.map((s) => s.botRssMb),
  );
}

function capacityTable(engines: EngineResult[]): string[] {
  const rows: string[] = [];
  for (const e of engines) {
    let prev = { n: 0, rss: e.restRssMb };
    for (const s of e.steps) {
      const t = s.botThreads;
      const extra = round((s.botRssMb - prev.rss) / (s.n - prev.n), 2);
      prev = { n: s.n, rss: s.botRssMb };
      rows.push(
        `| ${label(e)} | ${s.n} | ${late(s)} | ${s.relay?.p99GapMs ?? s.p99GapMs} | ${s.relay?.maxGapMs ?? s.maxGapMs} | ${s.relay ? `${s.relay.stalls} (${s.relay.stallMaxMs})` : '—'} | ${s.botCpuPct} | ${t ? `${t.mainPct} / ${t.busiestPct.join(', ')} / ${t.restPct}` : '—'} | ${s.botRssMb} | ${extra} | ${s.botGcOver10ms ?? '—'} | ${s.botEventLoopP99Ms} | ${s.fakeCpuPct} | ${s.load1} | ${s.failed} |`,
      );
    }
  }
  return [
    '| engine | N | late % | p99 gap ms | max gap ms | stalls > 30 ms (longest ms) | bot CPU % | threads: main / busiest others / rest % | bot RSS MB | MB per extra stream | main GC > 10 ms | main loop p99 ms | bench CPU % | host load | failed |',
    '|---|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|',
    ...rows,
  ];
}

function summaryTable(engines: EngineResult[]): string[] {
  const rows = engines.map((e) => {
    const cap = cleanCapacity(e);
    const top = e.steps.at(-1);
    const perStream = top ? audioThreadPctPerStream(e, top) : undefined;
    const threads = Math.max(1, e.workers);
    const perWorker = cap.n > 0 ? `${cap.unbroken ? '≥ ' : ''}${round(cap.n / threads, 0)}` : '< first N';
    const ceiling = perStream ? round(100 / perStream, 0) : undefined;
    return `| ${label(e)} | ${e.confirmedWorkers} | ${e.restRssMb} | ${round(mbPerStream(e), 2)} | ${cap.n > 0 ? `${cap.unbroken ? '≥ ' : ''}${cap.n}` : '—'} | ${e.workers === 0 ? `${perWorker} (main thread)` : perWorker} | ${perStream === undefined ? '—' : round(perStream, 3)} | ${ceiling ?? '—'} | ${e.atOnce ? e.atOnce.behindPct : '—'} | ${e.deferral ? e.deferral.summary.p99 : '—'} | ${e.botAlive ? 'yes' : '**no**'} |`;
  });
  return [
    '| engine | workers the bot reported | RSS at rest MB | MB per extra stream (least squares) | streams at < 0.5 % late | per audio thread | audio-thread CPU % per stream (top N) | CPU-bound streams per audio thread | 20 at once: % frames > 40 ms behind | deferral p99 ms (burst under load) | bot alive |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...rows,
  ];
}

function atOnceTable(engines: EngineResult[]): string[] {
  const rows = engines
    .filter((e) => e.atOnce)
    .map((e) => {
      const a = e.atOnce!;
      const worst = a.rounds.map((r) => `${r.worstBehindMs.p50} / ${r.worstBehindMs.max}`).join('; ');
      const first = a.rounds.map((r) => `${r.firstPacketMs.p50} / ${r.firstPacketMs.max}`).join('; ');
      const failures = a.rounds.reduce((sum, r) => sum + r.failures, 0);
      const load = a.rounds.map((r) => r.load1).join('; ');
      return `| ${label(e)} | ${a.guilds} × ${a.rounds.length} | ${a.frames} | ${a.behindPct} | ${a.rounds.map((r) => r.behindPct).join('; ')} | ${a.fakeBehindPct} | ${worst} | ${first} | ${load} | ${failures} |`;
    });
  return [
    '| engine | guilds × rounds | frames judged | % > 40 ms behind | per round | fake main thread % | worst frame per stream p50 / max ms (per round) | /play → first packet p50 / max ms | host load | failed |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...rows,
  ];
}

function memoryTable(engines: EngineResult[]): string[] {
  const rows = engines.flatMap((e) =>
    (e.memory ?? []).map(
      (m) =>
        `| ${label(e)} | ${m.n} | ${round(m.brkMb + m.arenasMb + m.otherAnonMb + m.filesMb)} | ${m.brkMb} | ${m.arenasMb} (${m.arenas}) | ${m.otherAnonMb} | ${m.filesMb} |`,
    ),
  );
  if (rows.length === 0) return [];
  return [
    "### Where the bot's memory is (smaps)",
    '',
    '| engine | N | resident MB | main malloc heap (brk) MB | per-thread malloc arenas MB (count) | other anonymous MB (V8 heaps of every isolate, large mallocs) | files MB |',
    '|---|--:|--:|--:|--:|--:|--:|',
    ...rows,
    '',
    "Arenas ≈ anonymous mappings aligned to 64 MB (glibc's per-thread heaps); a worker thread allocating native memory (DAVE, UDP, TLS) gets arenas of its own.",
    '',
  ];
}

function deferralTable(engines: EngineResult[]): string[] {
  const rows = engines
    .filter((e) => e.deferral)
    .map((e) => {
      const d = e.deferral!;
      return `| ${label(e)} | ${d.guilds} | ${d.playing} | ${d.summary.p50} | ${d.summary.p99} | ${d.summary.max} | ${d.botSide ? `${d.botSide.p50} / ${d.botSide.p99}` : '—'} | ${d.failures} |`;
    });
  return [
    '| engine | commands at once | streams playing | p50 ms | p99 ms | max ms | bot side p50 / p99 ms (≤ bucket) | failures |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
    ...rows,
  ];
}

/**
 * Message passing, estimated from outside: the bot's CPU per stream with workers minus in-process at the same
 * N (everything a worker adds: messages, a second event loop and V8 isolate, its own timers), per 20 ms frame;
 * and the messages a stream needs (chunks of ≤ 16 KiB and as many credits, FrameMonitor reports).
 */
function overheadLines(engines: EngineResult[]): string[] {
  const inProcess = engines.find((e) => e.workers === 0);
  const bytes = engines[0]?.sourceBytesPerSec ?? 0;
  const perSec = 2 * (bytes / CHUNK_BYTES) + FRAME_REPORTS_PER_SEC;
  const lines = [
    `Messages per stream (estimated from the source's ${round((bytes * 8) / 1000, 0)} kbit/s): at least ${round(bytes / CHUNK_BYTES, 2)} chunks of ≤ 16 KiB per second in and as many credits out, plus ${FRAME_REPORTS_PER_SEC} frame reports: ~${round(perSec, 2)} messages/s, ${round(perSec / 50, 3)} per 20 ms frame (positions go through shared memory, no message).`,
    '',
  ];
  if (!inProcess) return lines;
  const rows: string[] = [];
  for (const e of engines.filter((x) => x.workers > 0)) {
    for (const s of e.steps) {
      const base = inProcess.steps.find((b) => b.n === s.n);
      if (!base) continue;
      const delta = usPerFrameSent(s) - usPerFrameSent(base);
      rows.push(
        `| ${label(e)} | ${s.n} | ${base.botCpuPct} / ${round(usPerFrameSent(base), 1)} | ${s.botCpuPct} / ${round(usPerFrameSent(s), 1)} | ${round(delta, 1)} | ${round(delta / (perSec / 50), 0)} |`,
      );
    }
  }
  return [
    ...lines,
    '| engine | N | in-process: bot CPU % / µs per frame sent | this engine: bot CPU % / µs per frame sent | Δ µs per frame | Δ µs per message (if all of Δ were messages) |',
    '|---|--:|--:|--:|--:|--:|',
    ...rows,
    '',
    "µs per frame sent = the whole bot's CPU ÷ the frames its streams delivered (N × packets/s per stream), so a starved engine that sent fewer frames is not counted as cheaper. Δ includes everything a worker adds: messages, a second event loop and V8 isolate, its own timers.",
    '',
  ];
}

/** The whole bot's CPU per frame its streams delivered, µs (1 % of a core = 10,000 µs per second). */
function usPerFrameSent(s: StepResult): number {
  return (s.botCpuPct * 10_000) / (s.n * s.packetsPerSecPerStream);
}

export function engineTables(results: BenchResults): string[] {
  const engines = results.engines ?? [];
  if (engines.length === 0) return [];
  const notes = engines
    .filter((e) => e.error || e.botErrors.length > 0)
    .map((e) => `- ${label(e)}: ${e.error ? `stopped early: ${e.error}. ` : ''}${e.botErrors.join('; ')}`);
  return [
    '## Audio engines (issue 15): in-process against worker threads',
    '',
    `The bot restarted with each AUDIO_WORKERS value (0 = the in-process engine), each measured the same way: Ogg Opus passthrough at N = ${results.plan.engines.steps.join(', ')} (stopping once late frames pass ${results.plan.breakLatePct} %), ${results.plan.engines.deferralGuilds} /play in one instant while ${results.plan.engines.deferralAt} streams play, then ${results.plan.engines.atOnceGuilds} idle guilds (in voice, nothing playing) get /play at the same moment. "threads": the bot's CPU by thread from /proc/<pid>/task (main thread / the busiest other threads, which with workers are the audio workers / all the rest: V8's GC helpers, libuv's pool). "MB per extra stream" = RSS growth over the previous row (the first row: over the bot at rest).`,
    '',
    ...summaryTable(engines),
    '',
    '"per audio thread": streams at < 0.5 % late ÷ audio threads (workers, or the one main thread); "≥" when no measured N broke it. "CPU-bound streams per audio thread" = 100 % ÷ the audio threads\' CPU per stream at the top N: the ceiling if timing did not break first.',
    '',
    '### Capacity per engine',
    '',
    ...capacityTable(engines),
    '',
    `### ${results.plan.engines.atOnceGuilds} guilds starting at once (first ${results.plan.engines.atOnceMs / 1000} s of audio)`,
    '',
    'Schedule of a stream = its first packet + 20 ms × frames since; a frame more than 40 ms behind it counts. Arrival times from the relay thread.',
    '',
    ...atOnceTable(engines),
    '',
    ...memoryTable(engines),
    '### Deferral: commands at once while streams play',
    '',
    ...deferralTable(engines),
    '',
    '### Message-passing overhead (estimated from outside)',
    '',
    ...overheadLines(engines),
    ...(notes.length > 0 ? ['Errors logged by the bot, per engine:', '', ...notes, ''] : []),
  ];
}
