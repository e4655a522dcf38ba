import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { actorOf, requireListener } from '../controls/control-guard.js';
import { seekTo } from '../controls/session-actions.js';
import { denials } from '../controls/denials.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';
import { parseSeekTarget, resolveSeekTarget } from './parse-seek.js';

/** `/seek position`: `1:23`, `83`, `1:02:03`, or `+10` / `-10` relative to where playback is. */
export const seekCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('seek')
    .setDescription('Jump to a point in the current track')
    .setContexts(InteractionContextType.Guild)
    .addStringOption((option) =>
      option.setName('position').setDescription('Like 1:23, 83, +10 or -10').setRequired(true).setMaxLength(20),
    )
    .toJSON(),
  precheck: requireListener,

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const target = parseSeekTarget(interaction.options.getString('position', true));
    if (!target) throw denials.badSeek();
    return seekTo(actorOf(interaction, deps), (elapsed) => resolveSeekTarget(target, elapsed));
  },
};
