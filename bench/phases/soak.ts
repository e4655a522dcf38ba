import type { BenchGuild, BenchStack } from '../lib/stack.js';
import { mapLimit, robustSlope, round, sleep } from '../lib/stats.js';

export interface SoakResult {
  cycles: number;
  lanes: number;
  /** Whether each sample followed a forced full GC (else heap figures include garbage not yet collected). */
  gcForced: boolean;
  /** Theil–Sen slope over the second half of the run, per session cycle. */
  heapKbPerCycle: number;
  rssKbPerCycle: number;
  heapStartMb: number;
  heapEndMb: number;
  rssStartMb: number;
  rssEndMb: number;
  failures: number;
  samples: Array<{ cycle: number; heapMb: number; rssMb: number }>;
}

/**
 * Memory soak: `cycles` session lifecycles (join + /play + audio + /leave), run in `lanes` guilds at a time,
 * sampling the bot's heap and RSS (from its /metrics) after every round, each after a full GC forced through
 * the bot's inspector. A leak shows as a positive slope.
 */
export async function runSoak(
  stack: BenchStack,
  guilds: readonly BenchGuild[],
  cycles: number,
  log: (line: string) => void,
): Promise<SoakResult> {
  const lanes = guilds.length;
  const rounds = Math.ceil(cycles / lanes);
  const url = await stack.media.tone({ hz: 440, seconds: 30, format: 'ogg' });
  const samples: SoakResult['samples'] = [];
  const inspector = await stack.inspector();
  let failures = 0;
  let done = 0;
  for (let r = 0; r < rounds; r += 1) {
    await mapLimit(guilds, lanes, async (guild, i) => {
      try {
        const play = stack.command(guild, 'play', { query: `${url}?soak=${r}-${i}` });
        await stack.recorder.waitForAudio(guild.id, play.dispatchedAt, 30_000);
        await stack.reply(play);
        await stack.ask(guild, 'leave');
      } catch {
        failures += 1;
      }
    });
    done += lanes;
    await sleep(200);
    // A full collection first: the heap then holds only what is still reachable.
    await inspector?.collectGarbage();
    const m = await stack.metrics();
    samples.push({
      cycle: done,
      heapMb: m.get('tunebot_nodejs_heap_size_used_bytes') / 2 ** 20,
      rssMb: m.get('tunebot_process_resident_memory_bytes') / 2 ** 20,
    });
  }
  const half = samples.slice(Math.floor(samples.length / 2));
  const xs = half.map((s) => s.cycle);
  const result: SoakResult = {
    cycles: done,
    lanes,
    gcForced: inspector !== undefined,
    heapKbPerCycle: round(
      robustSlope(
        xs,
        half.map((s) => s.heapMb),
      ) * 1024,
      1,
    ),
    rssKbPerCycle: round(
      robustSlope(
        xs,
        half.map((s) => s.rssMb),
      ) * 1024,
      1,
    ),
    heapStartMb: round(samples[0]?.heapMb ?? 0),
    heapEndMb: round(samples.at(-1)?.heapMb ?? 0),
    rssStartMb: round(samples[0]?.rssMb ?? 0),
    rssEndMb: round(samples.at(-1)?.rssMb ?? 0),
    failures,
    samples: samples.map((s) => ({ cycle: s.cycle, heapMb: round(s.heapMb, 2), rssMb: round(s.rssMb, 2) })),
  };
  log(
    `  soak ${done} cycles: heap ${result.heapStartMb} → ${result.heapEndMb} MB (${result.heapKbPerCycle} KB/cycle), rss ${result.rssStartMb} → ${result.rssEndMb} MB (${result.rssKbPerCycle} KB/cycle), ${failures} failures`,
  );
  return result;
}
