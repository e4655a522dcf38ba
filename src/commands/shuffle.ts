import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { actorOf } from '../controls/control-guard.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';
import { shuffleQueue } from '../controls/player-actions.js';

export const shuffleCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('shuffle')
    .setDescription('Shuffle the upcoming tracks')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    return shuffleQueue(actorOf(interaction, deps));
  },
};
