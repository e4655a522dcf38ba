import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { escapeText } from '../core/format.js';
import { actorOf, controlContext } from '../controls/control-guard.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';

/** `/pause`: open to every listener (it is undone by anyone with /resume). */
export const pauseCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('pause')
    .setDescription('Pause playback')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const { session } = await controlContext(actorOf(interaction, deps));
    const entry = await session.pause();
    return `⏸️ Paused **${escapeText(entry.title)}**. Use /resume to continue.`;
  },
};
