import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { actorOf, requireListener } from '../controls/control-guard.js';
import { pausePlayback } from '../controls/session-actions.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';

/** `/pause`: open to every listener (it is undone by anyone with /resume). */
export const pauseCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('pause')
    .setDescription('Pause playback')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),
  precheck: requireListener,

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    return pausePlayback(actorOf(interaction, deps));
  },
};
