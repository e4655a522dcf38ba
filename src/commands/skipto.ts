import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { escapeText } from '../core/format.js';
import { actorOf, guardedControl } from '../controls/control-guard.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';

/** `/skipto position`: jumps ahead in the queue; what it passes over goes to history, as with /skip. */
export const skipToCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('skipto')
    .setDescription('Jump to a track in the queue')
    .setContexts(InteractionContextType.Guild)
    .addIntegerOption((option) =>
      option.setName('position').setDescription('Its position in /queue').setRequired(true).setMinValue(1),
    )
    .toJSON(),

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const { session } = await guardedControl(actorOf(interaction, deps), 'skip ahead');
    const entry = await session.skipTo(interaction.options.getInteger('position', true));
    deps.votes.reset(session);
    return entry ? `⏭️ Jumped to **${escapeText(entry.title)}**.` : '⏭️ Skipped to the end of the queue.';
  },
};
