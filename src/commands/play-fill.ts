import { escapeText } from '../core/format.js';
import type { Requester } from '../core/track.js';
import type { Clock } from '../ports/clock.js';
import type { PlaylistLoad } from '../resolver/playlist-loader.js';
import type { GuildSession } from '../session/guild-session.js';
import type { GuildSettings } from '../settings/guild-settings.js';
import { applyQueueLimits } from './play-limits.js';

/** Progress edits are at most this frequent: each is a REST call against a per-route rate limit. */
const PROGRESS_EVERY_MS = 2000;

export interface FillContext {
  /** Replaces the answer with the progress so far (the slash command's reply; nothing on the web). */
  readonly edit: (content: string) => Promise<void>;
  readonly session: GuildSession;
  readonly requester: Requester;
  readonly settings: GuildSettings;
  /** The reply as first sent (the first track's line), kept at the top of every progress edit. */
  readonly headline: string;
  /** Paces the progress edits. */
  readonly clock: Clock;
}

/**
 * Fills the queue with the rest of a playlist in the background while the first track already plays. Every
 * batch passes the same limits as `/play` itself (queue length, per-member limit, duplicates). The reply shows
 * progress and ends with the totals: added, skipped as duplicates, failed, and over the cap.
 */
export async function fillPlaylist(load: PlaylistLoad, ctx: FillContext): Promise<void> {
  let added = load.first.length;
  let duplicates = 0;
  let overLimit = 0;
  let lastEdit = ctx.clock.now();
  for await (const batch of load.rest) {
    if (ctx.session.state.status === 'destroyed') break;
    const queue = ctx.session.queue;
    const facts = {
      upcoming: queue.length,
      byRequester: queue.countBy(ctx.requester.id),
      has: (id: string) => queue.has(id),
    };
    const limited = applyQueueLimits(batch, facts, ctx.settings);
    duplicates += limited.duplicates;
    overLimit += limited.overQueueLimit + limited.overUserLimit;
    if (limited.accepted.length > 0) {
      await ctx.session.enqueue(limited.accepted, ctx.requester, 'end');
      added += limited.accepted.length;
    }
    if (ctx.clock.now() - lastEdit >= PROGRESS_EVERY_MS) {
      lastEdit = ctx.clock.now();
      await edit(ctx, `${ctx.headline}\n⏳ Loading **${escapeText(load.title)}**… ${added} added so far.`);
    }
  }
  const totals = load.progress();
  const parts = [`${added} added`];
  if (duplicates + totals.duplicates > 0) parts.push(`${duplicates + totals.duplicates} skipped as duplicates`);
  if (totals.failed > 0) parts.push(`${totals.failed} failed`);
  if (overLimit + totals.overCap > 0) parts.push(`${overLimit + totals.overCap} over the limit`);
  await edit(ctx, `${ctx.headline}\n✅ Finished loading **${escapeText(load.title)}**: ${parts.join(', ')}.`);
}

async function edit(ctx: FillContext, content: string): Promise<void> {
  await ctx.edit(content).catch(() => undefined);
}
