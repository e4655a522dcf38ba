import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { UserError } from '../core/errors.js';
import { escapeText, formatDuration } from '../core/format.js';
import { actorOf, guardedControl } from '../controls/control-guard.js';
import { denials } from '../controls/denials.js';
import { isActive } from '../session/session-state.js';
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

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const target = parseSeekTarget(interaction.options.getString('position', true));
    if (!target) throw denials.badSeek();
    const { session } = await guardedControl(actorOf(interaction, deps), 'seek');
    if (!isActive(session.state)) throw new UserError('NOTHING_PLAYING');
    const ms = resolveSeekTarget(target, session.elapsedMs());
    const entry = await session.seek(ms);
    return `⏩ Jumped to \`${formatDuration(ms)}\` in **${escapeText(entry.title)}**.`;
  },
};
