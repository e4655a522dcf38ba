import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { sessionForMember } from '../discord/preconditions.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';

export const stopCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('stop')
    .setDescription('Stop playback and clear the queue')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const session = sessionForMember(interaction, deps.sessions);
    await session.stop();
    return '⏹️ Stopped and cleared the queue.';
  },
};
