import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { actorOf } from '../controls/control-guard.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';
import { stopPlayback } from '../controls/player-actions.js';

export const stopCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('stop')
    .setDescription('Stop playback and clear the queue')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    return stopPlayback(actorOf(interaction, deps));
  },
};
