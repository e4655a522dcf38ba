import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { actorOf, requireListener } from '../controls/control-guard.js';
import { resumePlayback } from '../controls/session-actions.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';

export const resumeCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('resume')
    .setDescription('Resume paused playback')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),
  precheck: requireListener,

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    return resumePlayback(actorOf(interaction, deps));
  },
};
