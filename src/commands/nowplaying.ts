import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { UserError } from '../core/errors.js';
import { escapeText, formatDuration, progressBar } from '../core/format.js';
import { isActive } from '../session/session-state.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';

export const nowPlayingCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('nowplaying')
    .setDescription('Show what is playing')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const session = deps.sessions.get(interaction.guildId);
    const state = session?.state;
    if (!session || !state || !isActive(state)) throw new UserError('NOTHING_PLAYING');
    const entry = state.entry;
    const elapsed = session.elapsedMs();
    const next = session.queue.at(0);
    return [
      `${state.status === 'paused' ? '⏸️' : '🎶'} **${escapeText(entry.title)}**`,
      `${progressBar(elapsed, entry.durationMs)} \`${formatDuration(elapsed)} / ${formatDuration(entry.durationMs)}\``,
      `Requested by ${escapeText(entry.requester.name, 40)} · loop: ${session.queue.loop}`,
      next ? `Next up: ${escapeText(next.title, 80)}` : 'Nothing queued after this.',
    ].join('\n');
  },
};
