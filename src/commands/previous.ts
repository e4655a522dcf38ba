import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { actorOf, requireListener } from '../controls/control-guard.js';
import { previousTrack } from '../controls/session-actions.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';

/** `/previous`: plays the last played track again; the current one goes back to the front of the queue. */
export const previousCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('previous')
    .setDescription('Play the previous track again')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),
  precheck: requireListener,

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    return previousTrack(actorOf(interaction, deps));
  },
};
