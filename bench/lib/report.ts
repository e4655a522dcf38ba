import type { PlaylistResult } from '../phases/playlist.js';
import type { QueueOpsResult } from '../phases/queue-ops.js';
import type { SoakResult } from '../phases/soak.js';
import type { PipelineName, StepResult } from '../phases/streaming.js';
import type { DeferralResult, FirstAudioResult } from '../phases/latency.js';
import type { GapResult } from '../phases/gap.js';
import type { CrossfadeCost } from '../phases/crossfade.js';
import type { E2eeCostStep } from '../phases/e2ee.js';
import type { EngineResult } from '../phases/engines.js';
import { engineTables } from './report-engines.js';
import type { Plan } from './plan.js';
import { round, slope } from './stats.js';

export interface BenchResults {
  mode: 'quick' | 'full';
  date: string;
  durationS?: number;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGb: number;
    node: string;
    ffmpeg: string;
    loadAtStart: number[];
    loadAtEnd: number[];
    bot: string;
  };
  plan: Plan;
  shards?: number;
  guilds?: number;
  streaming: StepResult[];
  deferral: DeferralResult[];
  firstAudio: FirstAudioResult[];
  gaps: GapResult[];
  playlist?: PlaylistResult;
  soak?: SoakResult;
  queueOps?: QueueOpsResult;
  /** DAVE protocol the offline Discord ran (1 unless `--dave=0`). */
  daveProtocol?: number;
  e2ee?: E2eeCostStep[];
  crossfade?: CrossfadeCost[];
  /** The engines phase: the same passthrough measurements per AUDIO_WORKERS value. */
  engines?: EngineResult[];
  botAlive?: boolean;
  botErrors?: string[];
  botWarnings?: string[];
  notes: string[];
}

type Verdict = 'PASS' | 'FAIL' | 'n/a';

interface Goal {
  name: string;
  target: string;
  measured: string;
  verdict: Verdict;
  /** When missed (or not measurable): why, and what would close it. */
  why?: string;
}

const mark = (v: Verdict) => (v === 'PASS' ? '✅ PASS' : v === 'FAIL' ? '❌ FAIL' : '⚪ n/a');
const fmt = (v: number | undefined, unit = '') => (v === undefined || !Number.isFinite(v) ? '—' : `${v}${unit}`);

const PIPELINE_LABEL: Record<PipelineName, string> = {
  'ogg-passthrough': 'Ogg Opus passthrough',
  'webm-passthrough': 'WebM Opus passthrough',
  'mp3-ffmpeg': 'MP3 via ffmpeg',
  'volume-ffmpeg': 'Ogg at 50 % volume via ffmpeg',
  'filter-ffmpeg': 'MP3 with /filter bassboost via ffmpeg (filter, volume and limiter in one graph)',
  baseline: 'BASELINE: ffmpeg → PCM → in-process Opus',
};

/** Late frames as the relay thread saw them (free of the fake's queueing), else as the fake saw them. */
const late = (s: StepResult) => s.relay?.latePct ?? s.latePct;
const p99 = (s: StepResult) => s.relay?.p99GapMs ?? s.p99GapMs;

function steps(results: BenchResults, pipeline: PipelineName): StepResult[] {
  return results.streaming.filter((s) => s.pipeline === pipeline);
}

/** Why streams were late at a step: whole-process pauses (GC, CPU), the fake, or per-stream trouble. */
function lateCause(step: StepResult, cpus: number, load: string): string {
  const parts: string[] = [];
  if ((step.load1 ?? 0) > cpus * 2) {
    parts.push(
      `**the host was overloaded by other work during this window (load average ${step.load1} on ${cpus} cores), so this figure says more about the machine than about the bot: rerun when it is quiet**`,
    );
  }
  const r = step.relay;
  if (r && r.late > 0) {
    // Each stall (no stream sent anything for > 30 ms) makes roughly every stream's next frame late.
    const share = Math.min(100, Math.round(((r.stalls * r.streams) / r.late) * 100));
    parts.push(
      `${r.stalls} times in the ${step.seconds} s window no stream sent anything for more than 30 ms (longest ${r.stallMaxMs} ms): the whole bot paused, which accounts for about ${share} % of the late frames`,
    );
  }
  if ((step.botGcOver10ms ?? 0) > 0)
    parts.push(
      `the bot had ${step.botGcOver10ms} garbage collections over 10 ms in the window (${step.botGcMs} ms of GC in all)`,
    );
  const total = step.botCpuPct + step.childrenCpuPct + step.fakeCpuPct;
  parts.push(
    `CPU: bot ${step.botCpuPct} %, ffmpeg ${step.childrenCpuPct} %, the benchmark itself (fake Discord + relay) ${step.fakeCpuPct} % — ${round(total)} % of the ${cpus * 100} % the machine has, with other work on it (load average ${step.load1 ?? load})`,
  );
  if (step.botEventLoopP99Ms > 20)
    parts.push(
      `the bot's event-loop delay p99 was ${step.botEventLoopP99Ms} ms: @discordjs/voice dispatches every player from one 20 ms timer on the main thread, so its work per tick grows with the players`,
    );
  return parts.join('; ');
}

export function evaluateGoals(results: BenchResults): Goal[] {
  const goals: Goal[] = [];
  const cpus = results.machine.cpus;
  const load = results.machine.loadAtStart.join(' ');
  const cause = (s: StepResult) => lateCause(s, cpus, load);

  // 1. ≥ 300 passthrough streams with < 0.5 % late frames.
  const ogg = steps(results, 'ogg-passthrough');
  const ogg300 = ogg.find((s) => s.n >= 300);
  if (!ogg300) {
    const top = ogg.at(-1);
    goals.push({
      name: '≥ 300 concurrent passthrough streams',
      target: '< 0.5 % late frames at N ≥ 300',
      measured: top ? `N=${top.n}: ${late(top)} % late` : 'not measured',
      verdict: top && late(top) >= 0.5 ? 'FAIL' : 'n/a',
      why:
        top && late(top) >= 0.5
          ? `late frames passed 0.5 % already at N=${top.n}: ${cause(top)}.`
          : `this run did not reach N=300 (mode ${results.mode}).`,
    });
  } else {
    const ok = late(ogg300) < 0.5;
    const clean = ogg.filter((s) => late(s) < 0.5).at(-1);
    goals.push({
      name: '≥ 300 concurrent passthrough streams',
      target: '< 0.5 % late frames at N ≥ 300',
      measured: `N=${ogg300.n}: ${late(ogg300)} % late (p99 gap ${p99(ogg300)} ms; bot's frame deficit ${ogg300.botLatePct} %)${clean && clean.n > 1 ? `; under 0.5 % up to N=${clean.n}` : ''}`,
      verdict: ok ? 'PASS' : 'FAIL',
      ...(ok
        ? {}
        : {
            why: `${cause(ogg300)}. The frames are not lost (the bot's deficit stays near 0 and every stream averages 50 packets/s); they arrive in bursts after a pause. Closing it: fewer players per process (shards in separate processes, docs/scaling.md: ~150 each keeps the 20 ms tick short), a smaller heap per stream (fewer long GC pauses, see the memory goal), and a machine that is not shared.`,
          }),
    });
  }

  // 2. ≥ 100 transcoded with < 1 % late.
  const mp3 = steps(results, 'mp3-ffmpeg');
  const mp3100 = mp3.find((s) => s.n >= 100);
  if (!mp3100) {
    const top = mp3.at(-1);
    goals.push({
      name: '≥ 100 transcoded streams',
      target: '< 1 % late frames at N ≥ 100',
      measured: top ? `N=${top.n}: ${late(top)} % late` : 'not measured',
      verdict: top && late(top) >= 1 ? 'FAIL' : 'n/a',
      why:
        top && late(top) >= 1
          ? `late frames passed 1 % at N=${top.n}: ${cause(top)}.`
          : `this run did not reach N=100 transcoded (mode ${results.mode}).`,
    });
  } else {
    const ok = late(mp3100) < 1;
    goals.push({
      name: '≥ 100 transcoded streams',
      target: '< 1 % late frames at N ≥ 100',
      measured: `N=${mp3100.n}: ${late(mp3100)} % late (p99 gap ${p99(mp3100)} ms), ffmpeg ${mp3100.childrenCpuPct} % CPU`,
      verdict: ok ? 'PASS' : 'FAIL',
      ...(ok
        ? {}
        : {
            why: `${cause(mp3100)}. Closing it: each ffmpeg costs ~${round(mp3100.childrenCpuPct / mp3100.n, 2)} % of a core here, so ${mp3100.n} need ${round(mp3100.childrenCpuPct / 100, 1)} cores on their own; prefer Opus sources (passthrough) or add cores.`,
          }),
    });
  }

  // 2b. the same with a filter on (bassboost + limiter in the stream's one ffmpeg).
  const filtered = steps(results, 'filter-ffmpeg');
  const filtered100 = filtered.find((s) => s.n >= 100);
  if (filtered.length > 0) {
    const top = filtered100 ?? filtered.at(-1)!;
    const ok = filtered100 !== undefined && late(filtered100) < 1;
    goals.push({
      name: '≥ 100 transcoded streams with a filter on',
      target: '< 1 % late frames at N ≥ 100',
      measured: `N=${top.n}: ${late(top)} % late (p99 gap ${p99(top)} ms), ffmpeg ${top.childrenCpuPct} % CPU`,
      verdict: ok ? 'PASS' : filtered100 || late(top) >= 1 ? 'FAIL' : 'n/a',
      ...(ok
        ? {}
        : {
            why:
              filtered100 || late(top) >= 1
                ? `${cause(top)}.`
                : `this run did not reach N=100 filtered (mode ${results.mode}).`,
          }),
    });
  }

  // 3. deferral p99 < 50 ms while 200 streams play.
  const loaded = results.deferral.filter((d) => d.playing >= 200);
  if (loaded.length === 0) {
    goals.push({
      name: 'deferral under load',
      target: 'p99 < 50 ms while 200 streams play',
      measured: 'not measured',
      verdict: 'n/a',
      why: 'the passthrough run did not reach 200 streams.',
    });
  } else {
    const worst = loaded.reduce((a, b) => (b.summary.p99 > a.summary.p99 ? b : a));
    const ok = loaded.every((d) => d.summary.p99 < 50);
    const step = ogg.find((s) => s.n === worst.playing);
    goals.push({
      name: 'deferral under load',
      target: 'p99 < 50 ms while 200 streams play',
      measured: loaded.map((d) => `G=${d.guilds}: p99 ${d.summary.p99} ms`).join(', '),
      verdict: ok ? 'PASS' : 'FAIL',
      ...(ok
        ? {}
        : {
            why: `${worst.guilds} commands arriving in the same instant are acknowledged one after another on the bot's one event loop: the last deferral left ${worst.summary.max} ms after the burst, about ${round(worst.summary.max / worst.guilds, 2)} ms per command in series (discord.js building the interaction, the router, the REST client), while ${worst.playing} players keep their 20 ms ticks (bot event-loop p99 ${step?.botEventLoopP99Ms ?? '?'} ms; the benchmark process, which also answers every callback, used ${step?.fakeCpuPct ?? '?'} % CPU). ${
              loaded
                .filter((d) => d.summary.p99 < 50)
                .map((d) => `G=${d.guilds}`)
                .join(', ') || 'No burst size'
            } stayed under 50 ms. Closing it: guilds spread over more processes (one per shard, docs/scaling.md), so one burst lands on several event loops.`,
          }),
    });
  }

  // 4. first audio.
  const hit = results.firstAudio.find((f) => f.kind === 'cache-hit');
  const miss = results.firstAudio.find((f) => f.kind === 'cache-miss');
  for (const [name, r, limit] of [
    ['first audio, cache hit', hit, 250],
    ['first audio, local-HTTP cache miss', miss, 600],
  ] as const) {
    if (!r || r.summary.n === 0) {
      goals.push({ name, target: `p50 < ${limit} ms`, measured: 'not measured', verdict: 'n/a' });
      continue;
    }
    const ok = r.summary.p50 < limit;
    goals.push({
      name,
      target: `p50 < ${limit} ms`,
      measured: `p50 ${r.summary.p50} ms, p99 ${r.summary.p99} ms (n=${r.summary.n})`,
      verdict: ok ? 'PASS' : 'FAIL',
      ...(ok
        ? {}
        : {
            why: 'the path is /play → defer → resolve (HTTP open + sniff) → pipeline probe → voice player → first 20 ms tick; see the per-source table for which step dominates.',
          }),
    });
  }

  // 5. inter-track gap ≤ 60 ms.
  if (results.gaps.length > 0) {
    const worst = results.gaps.reduce((a, b) => (b.audible.p50 > a.audible.p50 ? b : a));
    const ok = results.gaps.every((g) => g.audible.p50 <= 60);
    const padding = results.gaps.some((g) => g.paddingFrames > 0);
    goals.push({
      name: 'gap between consecutive tracks',
      target: '≤ 60 ms (p50, last audible → first audible)',
      measured: results.gaps.map((g) => `${g.kind}: p50 ${g.audible.p50} ms, max ${g.audible.max} ms`).join('; '),
      verdict: ok ? 'PASS' : 'FAIL',
      ...(ok
        ? {}
        : {
            why: `${padding ? `@discordjs/voice ends every resource with ${round(worst.paddingFrames, 0)} silence frames (${round(worst.paddingFrames * 20, 0)} ms, createAudioResource's silencePaddingFrames default), and ` : ''}the next track is only opened when the previous one has ended (resolve → open → probe${worst.kind.includes('ffmpeg') ? ' → ffmpeg start' : ''}): last packet → first audio of the next was p50 ${worst.packet.p50} ms. Closing it: open the next track ahead of time in the session (src/session/playback.ts) and create resources with silencePaddingFrames: 0 when another track follows (src/voice/discord-voice.ts).`,
          }),
    });
  } else {
    goals.push({ name: 'gap between consecutive tracks', target: '≤ 60 ms', measured: 'not measured', verdict: 'n/a' });
  }

  // 6. bot RSS per extra passthrough stream.
  if (ogg.length >= 2) {
    const perStream = slope(
      ogg.map((s) => s.n),
      ogg.map((s) => s.botRssMb),
    );
    const ok = perStream <= 0.5;
    goals.push({
      name: 'memory per passthrough stream',
      target: '≤ 0.5 MB bot RSS per extra stream',
      measured: `${round(perStream, 3)} MB/stream (least squares over N=${ogg.map((s) => s.n).join(', ')})`,
      verdict: ok ? 'PASS' : 'FAIL',
      ...(ok ? {} : { why: memoryWhy(ogg) }),
    });
  } else {
    goals.push({
      name: 'memory per passthrough stream',
      target: '≤ 0.5 MB bot RSS per extra stream',
      measured: 'not measured',
      verdict: 'n/a',
    });
  }

  // 7. memory slope over the soak.
  if (results.soak) {
    const s = results.soak;
    const ok = s.heapKbPerCycle < 16 && s.rssKbPerCycle < 64;
    goals.push({
      name: 'memory soak',
      target: `~0: heap < 16 KB and RSS < 64 KB per session cycle (second half, Theil–Sen${s.gcForced ? ', heap after a forced GC' : ''})`,
      measured: `${s.cycles} cycles: heap ${s.heapKbPerCycle} KB/cycle (${s.heapStartMb} → ${s.heapEndMb} MB), RSS ${s.rssKbPerCycle} KB/cycle (${s.rssStartMb} → ${s.rssEndMb} MB)`,
      verdict: ok ? 'PASS' : 'FAIL',
      ...(ok
        ? {}
        : {
            why: `memory still grew by ${s.heapKbPerCycle} KB of heap per join/play/leave cycle in the second half of the run. A longer run (full mode) separates a leak from warm-up; a heap snapshot diff between two points of the soak (node --heapsnapshot-signal) would name what is retained.`,
          }),
    });
  }
  return goals;
}

/** Splits the per-stream RSS slope into V8 heap, Buffers (external) and the rest (native: TLS, DAVE, malloc). */
function memoryWhy(ogg: StepResult[]): string {
  const xs = ogg.map((s) => s.n);
  const per = (f: (s: StepResult) => number | undefined) =>
    round(
      slope(
        xs,
        ogg.map((s) => f(s) ?? 0),
      ) * 1024,
      0,
    );
  const rss = per((s) => s.botRssMb);
  const heap = per((s) => s.botHeapMb);
  const external = per((s) => s.botExternalMb);
  return `per extra stream the bot's RSS grew ${rss} KB: ${heap} KB of V8 heap, ${external} KB of Buffers outside the heap (tunebot_nodejs_external_memory_bytes, which falls back to a few MB once the streams stop: audio read ahead of playback, not a leak), and ${Math.max(0, rss - heap - external)} KB native (the voice connection's TLS WebSocket, UDP socket and DAVE session, malloc arenas). Closing it: bound the read-ahead per stream (high-water marks on the HTTP body and the demuxer) and copy each Opus packet out of the larger chunk it is sliced from, so that chunk can be freed; a heap snapshot through the inspector the bench already opens (HeapProfiler.takeHeapSnapshot) would confirm which buffers hold it.`;
}

function streamingTable(results: BenchResults, pipeline: PipelineName): string[] {
  const rows = steps(results, pipeline);
  if (rows.length === 0) return [];
  const firstLate = rows.find((s) => late(s) > 1);
  const lines = [
    `### ${PIPELINE_LABEL[pipeline]}`,
    '',
    '| N | bot CPU % | ffmpeg CPU % | bot RSS MB | bot heap MB | Buffers MB | ffmpeg PSS MB | pkts/s/stream | p99 gap ms | late % | late % (fake main thread) | stalls > 30 ms (longest ms) | bot GC > 10 ms | bot loop p99 ms | bench CPU % | host load | failed |',
    '|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...rows.map(
      (s) =>
        `| ${s.n} | ${s.botCpuPct} | ${s.childrenCpuPct} | ${s.botRssMb} | ${s.botHeapMb ?? '—'} | ${s.botExternalMb ?? '—'} | ${s.childrenPssMb} | ${s.packetsPerSecPerStream} | ${p99(s)} | ${late(s)} | ${s.latePct} | ${s.relay ? `${s.relay.stalls} (${s.relay.stallMaxMs})` : '—'} | ${s.botGcOver10ms ?? '—'} | ${s.botEventLoopP99Ms} | ${s.fakeCpuPct} | ${s.load1 ?? '—'} | ${s.failed} |`,
    ),
    '',
    `Late frames first above 1 %: ${firstLate ? `**N=${firstLate.n}**` : `not up to N=${rows.at(-1)!.n}`}.`,
    '',
  ];
  return lines;
}

/** A figure of a pipeline at N: measured, or interpolated linearly between the nearest measured steps. */
function at(
  rows: StepResult[],
  n: number,
  f: (s: StepResult) => number,
): { value: number; interpolated: boolean } | undefined {
  const exact = rows.find((s) => s.n === n);
  if (exact) return { value: f(exact), interpolated: false };
  const below = rows.filter((s) => s.n < n).at(-1);
  const above = rows.find((s) => s.n > n);
  if (!below || !above) return undefined;
  const t = (n - below.n) / (above.n - below.n);
  return { value: f(below) + t * (f(above) - f(below)), interpolated: true };
}

function baselineTable(results: BenchResults): string[] {
  const base = steps(results, 'baseline');
  if (base.length === 0) return [];
  const cpu = (s: StepResult) => s.botCpuPct + s.childrenCpuPct;
  // Memory that grows with streams: the bot's RSS over its N=1 value, plus every ffmpeg's PSS.
  const grown = (rows: StepResult[]) => (s: StepResult) => s.botRssMb - (rows[0]?.botRssMb ?? 0) + s.childrenPssMb;
  const show = (v: { value: number; interpolated: boolean } | undefined) =>
    v ? `${round(v.value)}${v.interpolated ? '*' : ''}` : '—';
  const ratio = (a: number, b: { value: number } | undefined) =>
    b === undefined || b.value <= 0 ? '—' : `${round(a / b.value, 1)}×`;
  const ogg = steps(results, 'ogg-passthrough');
  const mp3 = steps(results, 'mp3-ffmpeg');
  return [
    '### Baseline against ours (same Ogg Opus source; CPU = bot + children)',
    '',
    '| N | baseline CPU % | baseline late % | ours: passthrough CPU % | baseline ÷ passthrough | ours: MP3 via ffmpeg CPU % | baseline ÷ ffmpeg | baseline memory growth MB | ÷ passthrough |',
    '|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...base
      .filter((b) => b.n > 1)
      .map((b) => {
        const p = at(ogg, b.n, cpu);
        const f = at(mp3, b.n, cpu);
        const pm = at(ogg, b.n, grown(ogg));
        const bm = grown(base)(b);
        return `| ${b.n} | ${round(cpu(b))} | ${late(b)} | ${show(p)} | ${ratio(cpu(b), p)} | ${show(f)} | ${ratio(cpu(b), f)} | ${round(bm)} | ${ratio(bm, pm)} |`;
      }),
    '',
    '\\* interpolated between the two nearest measured N of our pipeline.',
    '',
  ];
}

export function renderMarkdown(results: BenchResults): string {
  const m = results.machine;
  const goals = evaluateGoals(results);
  const out: string[] = [
    `# tunebot benchmark: ${results.date.slice(0, 16).replace('T', ' ')} UTC (${results.mode} mode)`,
    '',
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB; Node ${m.node}; ${m.ffmpeg}. Bot: ${m.bot}, one process, ${results.shards ?? '?'} gateway shards (SHARD_COUNT) for ${results.guilds ?? '?'} guilds. Load average at start ${m.loadAtStart.join(' ')}, at end ${m.loadAtEnd.join(' ')} (the machine is shared: other load inflates late frames). Run time ${results.durationS ?? '?'} s.`,
    '',
    'The offline Discord (REST, gateway, voice servers: every packet decrypted) runs in the benchmark process; the real bot runs as its own process and is measured from /proc. CPU % is of one core.',
    '',
    '## Goals',
    '',
    '| Goal | Target | Measured | Result |',
    '|---|---|---|---|',
    ...goals.map((g) => `| ${g.name} | ${g.target} | ${g.measured} | ${mark(g.verdict)} |`),
    '',
  ];
  const missed = goals.filter((g) => g.why);
  if (missed.length > 0) {
    out.push('Why, and what would close it:', '');
    for (const g of missed) out.push(`- **${g.name}** (${mark(g.verdict)}): ${g.why}`);
    out.push('');
  }
  out.push(
    '## Streaming cost',
    '',
    `Each N: N guilds play a ${results.plan.toneSeconds} s tone; after ${results.plan.warmMs / 1000} s of warm-up (and until the streams run at real time) a ${results.plan.windowMs / 1000} s window is measured. "late" = a frame arriving more than 40 ms after the previous one of its stream, timestamped by a UDP relay on its own thread in front of the fake voice server ("fake main thread": the same gaps as the busy fake itself saw them). "stalls": moments no stream sent anything for > 30 ms (the whole bot paused). "Buffers" = the bot's memory outside the V8 heap. "bench CPU" = this process: fake Discord and relay. The bot's own frame deficit (FrameMonitor) is in the JSON.`,
    '',
  );
  for (const pipeline of [
    'ogg-passthrough',
    'webm-passthrough',
    'mp3-ffmpeg',
    'volume-ffmpeg',
    'filter-ffmpeg',
    'baseline',
  ] as const)
    out.push(...streamingTable(results, pipeline));
  out.push(...baselineTable(results));
  out.push(...engineTables(results));
  if (results.deferral.length > 0) {
    out.push(
      '## Deferral latency (INTERACTION_CREATE sent → callback received)',
      '',
      '| G guilds at once | streams playing | p50 ms | p99 ms | max ms | bot side p50 / p99 ms (≤ bucket) | first audio p50 / p99 ms | failures |',
      '|--:|--:|--:|--:|--:|--:|--:|--:|',
    );
    for (const d of results.deferral)
      out.push(
        `| ${d.guilds} | ${d.playing} | ${d.summary.p50} | ${d.summary.p99} | ${d.summary.max} | ${d.botSide ? `${d.botSide.p50} / ${d.botSide.p99}` : '—'} | ${d.firstAudio ? `${d.firstAudio.p50} / ${d.firstAudio.p99}` : '—'} | ${d.failures} |`,
      );
    out.push(
      '',
      'With 0 streams playing, each /play of the burst also joins voice (first audio includes the join); under load the guilds already play and the /play queues a track.',
      '',
    );
  }
  if (results.firstAudio.length > 0) {
    out.push(
      '## Time from /play to the first audio packet',
      '',
      '| case | what | p50 ms | p99 ms | n | failures |',
      '|---|---|--:|--:|--:|--:|',
    );
    for (const f of results.firstAudio)
      out.push(
        `| ${f.kind} | ${f.description} | ${f.summary.p50} | ${f.summary.p99} | ${f.summary.n} | ${f.failures} |`,
      );
    out.push('', 'Except "cold-join", the bot is already in the voice channel (idle after /stop).', '');
  }
  if (results.gaps.length > 0) {
    out.push(
      '## Gap between consecutive tracks (at the fake voice server)',
      '',
      '| transition | audible → audible p50 / max ms | last packet → next audio p50 / max ms | silence padding frames | transitions |',
      '|---|--:|--:|--:|--:|',
    );
    for (const g of results.gaps)
      out.push(
        `| ${g.kind} | ${g.audible.p50} / ${g.audible.max} | ${g.packet.p50} / ${g.packet.max} | ${round(g.paddingFrames, 1)} | ${g.transitions} |`,
      );
    out.push('');
  }
  out.push(
    `## Playlist of ${results.playlist?.entries ?? results.plan.playlistEntries} entries (M3U from the local media server)`,
    '',
  );
  if (!results.playlist) out.push('Not measured.', '');
  else if (!results.playlist.available)
    out.push(
      `**Not available**: playlist URLs are not wired into /play yet. The bot answered: "${results.playlist.reply}". The measuring code stays in bench/phases/playlist.ts.`,
      '',
    );
  else
    out.push(
      `Fully queued (reply) after ${fmt(results.playlist.queuedMs, ' ms')}; first audio after ${fmt(results.playlist.firstAudioMs, ' ms')}; ${results.playlist.queued} tracks in the queue. Reply: "${results.playlist.reply}"`,
      '',
    );
  if (results.soak) {
    const s = results.soak;
    out.push(
      '## Memory soak',
      '',
      `${s.cycles} session cycles (join, /play, first audio, /leave) in ${s.lanes} guilds at a time, ${s.failures} failures. Heap ${s.heapStartMb} → ${s.heapEndMb} MB, slope ${s.heapKbPerCycle} KB/cycle; RSS ${s.rssStartMb} → ${s.rssEndMb} MB, slope ${s.rssKbPerCycle} KB/cycle (second half of the run, Theil–Sen).`,
      '',
    );
  }
  if (results.queueOps) {
    const q = results.queueOps;
    out.push(
      `## Queue operations at ${q.size.toLocaleString('en')} tracks (in-process, dist/core/queue.js)`,
      '',
      '| add | shuffle | move | remove | snapshot + JSON | restore |',
      '|--:|--:|--:|--:|--:|--:|',
      `| ${q.addPerSec.toLocaleString('en')}/s | ${q.shufflePerSec.toLocaleString('en')}/s | ${q.movePerSec.toLocaleString('en')}/s | ${q.removePerSec.toLocaleString('en')}/s | ${q.snapshotMs} ms | ${q.restoreMs} ms |`,
      '',
    );
  }
  if (results.crossfade?.length) {
    out.push(
      '## Crossfade transition cost in the bot (in-process, dist/media/crossfade-mixer.js, native Opus)',
      '',
      '| overlap | µs per mixed frame | µs per frame after it | CPU per transition | % of a core during the overlap |',
      '|--:|--:|--:|--:|--:|',
    );
    for (const c of results.crossfade)
      out.push(
        `| ${c.fadeSeconds} s | ${c.usPerMixedFrame} | ${c.usPerPassthroughFrame} | ${c.msPerTransition} ms | ${c.cpuPctDuringOverlap} |`,
      );
    out.push(
      '',
      'A mixed frame = two Opus decodes, the equal-power mix and one Opus encode; after the overlap the incoming frames pass through untouched.',
      '',
    );
  }
  if (results.e2ee?.length) {
    out.push(
      '## DAVE end-to-end encryption cost in the bot (in-process, per 20 ms frame)',
      '',
      '| N streams | DAVE v1 µs/frame | protocol 0 µs/frame | E2EE µs/frame | E2EE % of a core per stream | E2EE % of a core at N |',
      '|--:|--:|--:|--:|--:|--:|',
    );
    for (const e of results.e2ee)
      out.push(
        `| ${e.streams} | ${e.daveUsPerFrame} | ${e.transportUsPerFrame} | ${e.e2eeUsPerFrame} | ${e.e2eeCpuPctPerStream} | ${e.e2eeCpuPctAtN} |`,
      );
    out.push(
      '',
      'DAVE v1 = davey encryptOpus + the AES-256-GCM transport layer, as @discordjs/voice does per packet; protocol 0 = transport only.',
      '',
    );
  }
  out.push(`Offline Discord DAVE protocol for the streaming figures: ${results.daveProtocol ?? 0}.`, '');
  if (results.botAlive !== undefined)
    out.push(
      `Bot (our pipeline) alive with /healthz ok after every phase: ${results.botAlive ? 'yes' : '**no**'}.`,
      '',
    );
  if (results.botErrors?.length) out.push(`Its error logs: ${results.botErrors.join('; ')}`, '');
  if (results.botWarnings?.length) out.push(`Its warnings: ${results.botWarnings.join('; ')}`, '');
  for (const note of results.notes) out.push(`> ${note}`, '');
  return `${out.join('\n')}\n`;
}
