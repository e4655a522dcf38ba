import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { actorOf, requireListener } from '../controls/control-guard.js';
import { clearQueue } from '../controls/session-actions.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';

/** `/clear`: empties the upcoming queue; the current track plays on (use /stop to end it too). */
export const clearCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('clear')
    .setDescription('Remove every upcoming track (the current one keeps playing)')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),
  precheck: requireListener,

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    return clearQueue(actorOf(interaction, deps));
  },
};
