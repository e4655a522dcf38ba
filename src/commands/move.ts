import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { actorOf, requireListener } from '../controls/control-guard.js';
import { moveTrack } from '../controls/session-actions.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';

/** `/move from to`: reorders the queue (positions as /queue shows them). */
export const moveCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('move')
    .setDescription('Move a track to another place in the queue')
    .setContexts(InteractionContextType.Guild)
    .addIntegerOption((option) =>
      option.setName('from').setDescription('Its position now').setRequired(true).setMinValue(1),
    )
    .addIntegerOption((option) =>
      option.setName('to').setDescription('Where it should go').setRequired(true).setMinValue(1),
    )
    .toJSON(),
  precheck: requireListener,

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const from = interaction.options.getInteger('from', true);
    const to = interaction.options.getInteger('to', true);
    return moveTrack(actorOf(interaction, deps), from, to);
  },
};
