import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { escapeText } from '../core/format.js';
import { sessionForMember } from '../discord/preconditions.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';

export const pauseCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('pause')
    .setDescription('Pause playback')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const entry = await sessionForMember(interaction, deps.sessions).pause();
    return `⏸️ Paused **${escapeText(entry.title)}**. Use /resume to continue.`;
  },
};
