import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { actorOf, requireListener } from '../controls/control-guard.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';
import { skipOrVote } from '../controls/player-actions.js';

/** `/skip [count]`: immediate for DJs, the track's requester and lone listeners; otherwise a vote. */
export const skipCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('skip')
    .setDescription('Skip the current track (or vote to skip it)')
    .setContexts(InteractionContextType.Guild)
    .addIntegerOption((option) =>
      option.setName('count').setDescription('How many tracks to skip (default 1)').setMinValue(1),
    )
    .toJSON(),
  precheck: requireListener,

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const outcome = await skipOrVote(actorOf(interaction, deps), interaction.options.getInteger('count') ?? 1);
    return outcome.text;
  },
};
