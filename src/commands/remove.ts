import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { actorOf, requireListener } from '../controls/control-guard.js';
import { removeTracks } from '../controls/session-actions.js';
import { denials } from '../controls/denials.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';
import { parsePositionRange } from './parse-range.js';

/**
 * `/remove position` (`3` or `3-7`). Anyone may remove their own tracks; others' need DJ rights. The check
 * runs inside the queue edit, so it judges exactly the entries that get removed.
 */
export const removeCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('remove')
    .setDescription('Remove a track, or a range of tracks, from the queue')
    .setContexts(InteractionContextType.Guild)
    .addStringOption((option) =>
      option
        .setName('position')
        .setDescription('A position like 3, or a range like 3-7 (see /queue)')
        .setRequired(true)
        .setMaxLength(20),
    )
    .toJSON(),
  precheck: requireListener,

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const range = parsePositionRange(interaction.options.getString('position', true));
    if (!range) throw denials.badRange();
    return removeTracks(actorOf(interaction, deps), range);
  },
};
