import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { escapeText } from '../core/format.js';
import { actorOf, controlContext, requireListener } from '../controls/control-guard.js';
import { denials } from '../controls/denials.js';
import { mayRemoveTracks } from '../controls/permissions.js';
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
    const { session, facts } = await controlContext(actorOf(interaction, deps));
    const removed = await session.editQueue((queue) => {
      const targets = queue.slice(range.from - 1, range.to);
      if (
        !mayRemoveTracks(
          facts,
          targets.map((entry) => entry.requester.id),
        )
      )
        throw denials.notDj("remove other people's tracks", facts.djRoleId);
      return range.from === range.to ? [queue.remove(range.from)] : queue.removeRange(range.from, range.to);
    });
    const [first] = removed;
    if (removed.length === 1 && first) return `🗑️ Removed **${escapeText(first.title)}** from the queue.`;
    return `🗑️ Removed ${removed.length} tracks (positions ${range.from}-${range.to}) from the queue.`;
  },
};
