import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { EMPTY_FEEDBACK } from '../settings/feedback-store.js';
import { UserError } from '../core/errors.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';
import { renderStatus } from './status-view.js';

/**
 * `/status` (ephemeral): uptime, version, playing guilds, streams, frame health, CPU and memory, yt-dlp and
 * source health, store health, this server's feedback and the last hour. For the bot's owner and members
 * with Manage Server: it describes the whole bot, not just this server.
 */
export const statusCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('status')
    .setDescription("Show the bot's health: playback, frames, CPU and memory, sources (owner and Manage Server)")
    .setContexts(InteractionContextType.Guild)
    .toJSON(),
  ephemeral: true,

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const owner = deps.owner;
    if (!owner) throw new UserError('STATUS_UNAVAILABLE');
    const manages = interaction.memberPermissions.has(PermissionFlagsBits.ManageGuild);
    if (!manages && !(await owner.isBotOwner(interaction.user.id))) throw new UserError('STATUS_FORBIDDEN');
    const [report, feedback] = await Promise.all([
      owner.status(),
      owner.feedback.summary(interaction.guildId).catch(() => EMPTY_FEEDBACK),
    ]);
    return renderStatus(report, feedback);
  },
};
