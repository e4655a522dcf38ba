import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { escapeText, formatDuration } from '../core/format.js';
import type { QueuedTrack } from '../core/track.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';

const PAGE_SIZE = 10;

export const queueCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('queue')
    .setDescription('Show the queue')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const session = deps.sessions.get(interaction.guildId);
    const current = session?.queue.current;
    if (!session || (!current && session.queue.length === 0)) return '📭 The queue is empty. Add something with /play.';
    const lines = session.queue.slice(0, PAGE_SIZE).map((entry, i) => `\`${i + 1}.\` ${line(entry)}`);
    const rest = session.queue.length - lines.length;
    return [
      current ? `**Now playing:** ${line(current)}` : '**Nothing playing.**',
      ...(lines.length > 0 ? ['', '**Up next:**', ...lines] : []),
      ...(rest > 0 ? [`…and ${rest} more`] : []),
      '',
      `${session.queue.length} track(s) queued · ${formatDuration(session.queue.totalDurationMs)} total`,
    ].join('\n');
  },
};

const line = (entry: QueuedTrack): string =>
  `${escapeText(entry.title, 80)} \`${formatDuration(entry.durationMs)}\` · ${escapeText(entry.requester.name, 40)}`;
