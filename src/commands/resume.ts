import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { escapeText } from '../core/format.js';
import { sessionForMember } from '../discord/preconditions.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';

export const resumeCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('resume')
    .setDescription('Resume paused playback')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const entry = await sessionForMember(interaction, deps.sessions).resume();
    return `▶️ Resumed **${escapeText(entry.title)}**.`;
  },
};
