import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { actorOf, guardedControl } from '../controls/control-guard.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';

/** `/leave`: ends the session now (queue dropped, voice left) instead of waiting for the idle timeout. */
export const leaveCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('leave')
    .setDescription('Stop and leave the voice channel')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const { session } = await guardedControl(actorOf(interaction, deps), 'make me leave');
    session.destroy('left');
    return '👋 Left the voice channel.';
  },
};
