import type { InteractionHandle } from '../../test/offline-discord/index.js';
import type { BenchGuild, BenchStack, Metrics } from '../lib/stack.js';
import { sleep, summarize, type Summary } from '../lib/stats.js';

export interface FirstAudioResult {
  kind: string;
  description: string;
  /** /play dispatched → first audible packet at the fake voice server, ms. */
  summary: Summary;
  failures: number;
}

interface FirstAudioCase {
  kind: string;
  description: string;
  url: (i: number) => Promise<string>;
}

/**
 * Time from `/play` to the first audible packet, in a guild where the bot is already in voice and idle
 * (the join is measured separately as "cold"). Every sample: /stop, a short pause, /play, wait for audio.
 */
export async function runFirstAudio(
  stack: BenchStack,
  guild: BenchGuild,
  samples: number,
  log: (line: string) => void,
): Promise<FirstAudioResult[]> {
  const tone = (format: 'ogg' | 'webm' | 'mp3', tag?: string) =>
    stack.media.tone({ hz: 440, seconds: 30, format }, tag);
  const cases: FirstAudioCase[] = [
    {
      kind: 'cache-miss',
      description: 'local HTTP, Ogg Opus, a URL never played before',
      url: (i) => tone('ogg', `miss=${i}-${Date.now()}`),
    },
    { kind: 'cache-hit', description: 'the same Ogg Opus URL again', url: () => tone('ogg', 'hit') },
    {
      kind: 'passthrough-webm',
      description: 'WebM Opus, new URL (passthrough)',
      url: (i) => tone('webm', `webm=${i}-${Date.now()}`),
    },
    {
      kind: 'transcoded',
      description: 'MP3, new URL (ffmpeg → Opus)',
      url: (i) => tone('mp3', `mp3=${i}-${Date.now()}`),
    },
  ];
  // Prime: the session exists and the "cache-hit" URL has been played once.
  await stack.ask(guild, 'play', { query: await tone('ogg', 'hit') });
  await stack.recorder.waitForAudio(guild.id, performance.now() - 1, 20_000);
  const results: FirstAudioResult[] = [];
  for (const c of cases) {
    const times: number[] = [];
    let failures = 0;
    for (let i = 0; i < samples; i += 1) {
      await stack.ask(guild, 'stop');
      await sleep(250);
      const url = await c.url(i);
      const play = stack.command(guild, 'play', { query: url });
      try {
        const at = await stack.recorder.waitForAudio(guild.id, play.dispatchedAt, 20_000);
        times.push(at - play.dispatchedAt);
        await stack.reply(play);
      } catch {
        failures += 1;
      }
    }
    const summary = summarize(times);
    log(`  first audio ${c.kind}: p50 ${summary.p50} ms, p99 ${summary.p99} ms (n=${summary.n})`);
    results.push({ kind: c.kind, description: c.description, summary, failures });
  }
  await stack.ask(guild, 'stop');
  return results;
}

/** /play in guilds where the bot is not in voice yet: includes the voice join (gateway op 4 → UDP ready). */
export async function runColdStarts(
  stack: BenchStack,
  guilds: readonly BenchGuild[],
  log: (line: string) => void,
): Promise<FirstAudioResult> {
  const times: number[] = [];
  let failures = 0;
  for (const [i, guild] of guilds.entries()) {
    const play = stack.command(guild, 'play', {
      query: await stack.media.tone({ hz: 440, seconds: 30, format: 'ogg' }, `cold=${i}`),
    });
    try {
      const at = await stack.recorder.waitForAudio(guild.id, play.dispatchedAt, 30_000);
      times.push(at - play.dispatchedAt);
      await stack.reply(play);
      await stack.ask(guild, 'stop');
    } catch {
      failures += 1;
    }
  }
  const summary = summarize(times);
  log(`  first audio cold (joins voice): p50 ${summary.p50} ms, p99 ${summary.p99} ms (n=${summary.n})`);
  return { kind: 'cold-join', description: 'bot not in voice yet: join + Ogg Opus passthrough', summary, failures };
}

export interface DeferralResult {
  /** Streams playing while the burst was sent. */
  playing: number;
  guilds: number;
  summary: Summary;
  /**
   * The bot's own view (tunebot_interaction_deferral_seconds: receipt → Discord's answer to the callback),
   * as the upper bounds of the histogram buckets holding p50 and p99. What the fake measures on top of it is
   * gateway delivery and this process's own queueing.
   */
  botSide?: { p50: number; p99: number };
  /** For bursts that also started sessions: /play → first audible packet. */
  firstAudio?: Summary;
  failures: number;
}

/**
 * G guilds issue /play at the same instant; the deferral latency is dispatch of INTERACTION_CREATE → the
 * interaction callback (type 5) reaching the fake. `startsSessions`: the guilds had no session, so each /play
 * also joins voice and starts a stream (then measured to first audio, and stopped afterwards).
 */
export async function runDeferralBurst(
  stack: BenchStack,
  guilds: readonly BenchGuild[],
  url: (i: number) => Promise<string>,
  playing: number,
  startsSessions: boolean,
): Promise<DeferralResult> {
  const urls = await Promise.all(guilds.map((_, i) => url(i)));
  const before = await stack.metrics();
  const handles: InteractionHandle[] = guilds.map((guild, i) => stack.command(guild, 'play', { query: urls[i]! }));
  let failures = 0;
  const audio: number[] = [];
  await Promise.all(
    handles.map(async (handle, i) => {
      try {
        await stack.reply(handle, 60_000);
        if (startsSessions)
          audio.push(
            (await stack.recorder.waitForAudio(guilds[i]!.id, handle.dispatchedAt, 30_000)) - handle.dispatchedAt,
          );
      } catch {
        failures += 1;
      }
    }),
  );
  const deferrals = handles.map((h) => stack.deferralMs(h)).filter((ms): ms is number => ms !== undefined);
  const botSide = histogramQuantiles(
    before,
    await stack.metrics(),
    'tunebot_interaction_deferral_seconds',
    'command="play"',
  );
  return {
    playing,
    guilds: guilds.length,
    summary: summarize(deferrals),
    ...(botSide ? { botSide } : {}),
    ...(startsSessions ? { firstAudio: summarize(audio) } : {}),
    failures: failures + handles.length - deferrals.length,
  };
}

/** p50/p99 (ms, bucket upper bounds) of what a Prometheus histogram observed between two scrapes. */
function histogramQuantiles(
  before: Metrics,
  after: Metrics,
  name: string,
  label: string,
): { p50: number; p99: number } | undefined {
  // Buckets look like name_bucket{le="0.05",command="play"}: label order is the exporter's, so match loosely.
  const buckets = after.series(`${name}_bucket`).filter((s) => s.includes(label) && !s.includes('le="+Inf"'));
  const rows = buckets
    .map((series) => ({ le: Number(/le="([^"]+)"/.exec(series)?.[1]), count: after.get(series) - before.get(series) }))
    .sort((a, b) => a.le - b.le);
  const total = after
    .series(`${name}_count`)
    .filter((s) => s.includes(label))
    .reduce((sum, s) => sum + after.get(s) - before.get(s), 0);
  if (total <= 0 || rows.length === 0) return undefined;
  const at = (q: number) => {
    const row = rows.find((r) => r.count >= q * total);
    return row ? row.le * 1000 : Number.POSITIVE_INFINITY;
  };
  return { p50: at(0.5), p99: at(0.99) };
}
