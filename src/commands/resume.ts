import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { escapeText } from '../core/format.js';
import { actorOf, controlContext } from '../controls/control-guard.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';

export const resumeCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('resume')
    .setDescription('Resume paused playback')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const { session } = await controlContext(actorOf(interaction, deps));
    const entry = await session.resume();
    return `▶️ Resumed **${escapeText(entry.title)}**.`;
  },
};
