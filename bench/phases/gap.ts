import type { BenchGuild, BenchStack } from '../lib/stack.js';
import { sleep, summarize, type Summary } from '../lib/stats.js';

export interface GapResult {
  kind: string;
  /** Last audible packet of one track → first audible packet of the next, ms. */
  audible: Summary;
  /** Last packet of any kind (the player's silence padding included) → first audible packet of the next, ms. */
  packet: Summary;
  /** Silence frames sent between tracks (mean). */
  paddingFrames: number;
  transitions: number;
}

/**
 * Gapless-ness: queue `tracks` short tones back to back and, at the fake voice server, measure each
 * transition. A transition is found where the player's silence padding (F8 FF FE frames) sits between two
 * audible runs; without padding, the largest gaps between audible packets are taken instead.
 */
export async function runTrackGap(
  stack: BenchStack,
  guild: BenchGuild,
  format: 'ogg' | 'mp3',
  tracks: number,
  log: (line: string) => void,
): Promise<GapResult> {
  const seconds = 2;
  await stack.ask(guild, 'stop');
  const trace = stack.recorder.trace(guild.id);
  const urls = await Promise.all(
    Array.from({ length: tracks }, (_, i) =>
      stack.media.tone({ hz: 440, seconds, format }, `gap=${format}-${i}-${Date.now()}`),
    ),
  );
  for (const url of urls) await stack.ask(guild, 'play', { query: url });
  const deadline = performance.now() + tracks * (seconds * 1000 + 3000) + 5000;
  // Wait until the last track has played out: audio, then silence for a while.
  await stack.recorder.waitForAudio(guild.id, performance.now() - 1, 20_000);
  while (performance.now() < deadline) {
    await sleep(500);
    const audible = trace.filter((p) => !p.silence).length;
    if (audible >= tracks * seconds * 50 * 0.95 && performance.now() - stack.recorder.lastAudibleAt(guild.id) > 1500)
      break;
  }
  stack.recorder.untrace(guild.id);
  const audibleGaps: number[] = [];
  const packetGaps: number[] = [];
  const padding: number[] = [];
  let lastAudible: number | undefined;
  let lastAny: number | undefined;
  let silenceRun = 0;
  for (const p of trace) {
    if (p.silence) {
      silenceRun += 1;
      lastAny = p.at;
      continue;
    }
    if (silenceRun > 0 && lastAudible !== undefined) {
      audibleGaps.push(p.at - lastAudible);
      packetGaps.push(p.at - (lastAny ?? lastAudible));
      padding.push(silenceRun);
    }
    silenceRun = 0;
    lastAudible = p.at;
    lastAny = p.at;
  }
  if (audibleGaps.length < tracks - 1) {
    // No padding between tracks: the tracks - 1 largest gaps between audible packets are the transitions.
    const audibleOnly = trace.filter((p) => !p.silence);
    const gaps = audibleOnly
      .slice(1)
      .map((p, i) => p.at - audibleOnly[i]!.at)
      .sort((a, b) => b - a)
      .slice(0, tracks - 1);
    audibleGaps.splice(0, audibleGaps.length, ...gaps);
    packetGaps.splice(0, packetGaps.length, ...gaps);
  }
  const result = {
    kind: format === 'ogg' ? 'passthrough → passthrough (Ogg Opus)' : 'ffmpeg → ffmpeg (MP3)',
    audible: summarize(audibleGaps),
    packet: summarize(packetGaps),
    paddingFrames: padding.length ? padding.reduce((a, b) => a + b, 0) / padding.length : 0,
    transitions: audibleGaps.length,
  };
  log(
    `  track gap ${result.kind}: audible→audible p50 ${result.audible.p50} ms, max ${result.audible.max} ms; packet→audible p50 ${result.packet.p50} ms (${result.transitions} transitions, ${result.paddingFrames} padding frames)`,
  );
  await stack.ask(guild, 'stop');
  return result;
}
