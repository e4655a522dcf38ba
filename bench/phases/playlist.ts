import type { BenchGuild, BenchStack } from '../lib/stack.js';
import { round, sleep } from '../lib/stats.js';

export interface PlaylistResult {
  available: boolean;
  entries: number;
  /** Why not, when unavailable: the bot's reply. */
  reply: string;
  firstAudioMs?: number;
  /** /play → the reply naming the playlist (every accepted entry is queued by then). */
  queuedMs?: number;
  /** Tracks in the guild's queue afterwards (the server's queue limit may leave some out). */
  queued?: number;
}

/** /play of an M3U with `entries` entries served by the bench media server. */
export async function runPlaylist(
  stack: BenchStack,
  guild: BenchGuild,
  entries: number,
  log: (line: string) => void,
): Promise<PlaylistResult> {
  await stack.ask(guild, 'stop').catch(() => undefined);
  const url = stack.media.playlist(entries, { hz: 440, seconds: 60, format: 'ogg' });
  const play = stack.command(guild, 'play', { query: url });
  const audio = stack.recorder.waitForAudio(guild.id, play.dispatchedAt, 60_000).catch(() => undefined);
  const reply = await stack.reply(play, 120_000);
  const queuedMs = reply.at - play.dispatchedAt;
  if (!/Started|Now playing|Queued/.test(reply.content)) {
    log(`  playlist of ${entries}: not available (${reply.content})`);
    return { available: false, entries, reply: reply.content };
  }
  const first = await audio;
  await sleep(500);
  const m = await stack.metrics();
  const queued = m.get('tunebot_queue_length_max');
  await stack.ask(guild, 'stop');
  log(
    `  playlist of ${entries}: queued in ${round(queuedMs)} ms, first audio ${first ? round(first - play.dispatchedAt) : 'none'} ms, ${queued} in queue`,
  );
  return {
    available: true,
    entries,
    reply: reply.content,
    queuedMs: round(queuedMs),
    queued,
    ...(first ? { firstAudioMs: round(first - play.dispatchedAt) } : {}),
  };
}
