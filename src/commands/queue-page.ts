import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
} from 'discord.js';
import { escapeText, formatDuration, loopPhrase, plural, trackLength } from '../core/format.js';
import type { QueuedTrack } from '../core/track.js';
import type { GuildSession } from '../session/guild-session.js';
import type { CommandReply } from './command.js';

export const QUEUE_PAGE_SIZE = 10;
export const QUEUE_BUTTON_PREFIX = 'queue';

/** Number of pages the upcoming list fills (at least one, so an empty queue still has page 1). */
export const pageCount = (length: number): number => Math.max(1, Math.ceil(length / QUEUE_PAGE_SIZE));

/**
 * One page of `/queue`, with ◀ ▶ buttons whose custom ids (`queue:<guildId>:<page>`) name the page they
 * open, so paging re-reads the queue as it is at the press. Pages past the end show the last page.
 */
export function renderQueuePage(
  session: GuildSession | undefined,
  guildId: string,
  requestedPage: number,
): CommandReply {
  const current = session?.queue.current;
  if (!session || (!current && session.queue.length === 0)) {
    return { content: '📭 The queue is empty. Add something with /play.', components: [] };
  }
  const queue = session.queue;
  const pages = pageCount(queue.length);
  const page = Math.min(Math.max(1, Math.floor(requestedPage)), pages);
  const start = (page - 1) * QUEUE_PAGE_SIZE;
  const lines = queue.slice(start, start + QUEUE_PAGE_SIZE).map((entry, i) => `\`${start + i + 1}.\` ${line(entry)}`);
  const content = [
    current ? `**Now playing:** ${line(current)}` : '**Nothing playing.**',
    ...(lines.length > 0 ? ['', `**Up next** (page ${page}/${pages}):`, ...lines] : []),
    '',
    `${plural(queue.length, 'track')} queued · ${formatDuration(queue.totalDurationMs)} total · ${loopPhrase(queue.loop)}`,
  ].join('\n');
  return { content, components: pages > 1 ? [pager(guildId, page, pages)] : [] };
}

function pager(guildId: string, page: number, pages: number): APIActionRowComponent<APIComponentInMessageActionRow> {
  const button = (label: string, target: number, disabled: boolean) => ({
    type: ComponentType.Button as const,
    style: ButtonStyle.Secondary as const,
    label,
    custom_id: `${QUEUE_BUTTON_PREFIX}:${guildId}:${target}`,
    disabled,
  });
  return {
    type: ComponentType.ActionRow,
    components: [button('◀', page - 1, page <= 1), button('▶', page + 1, page >= pages)],
  };
}

const line = (entry: QueuedTrack): string => {
  const length = trackLength(entry);
  return `${escapeText(entry.title, 80)}${length ? ` \`${length}\`` : ''} · ${escapeText(entry.requester.name, 40)}`;
};
