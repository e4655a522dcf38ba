import {
  DiscordAPIError,
  InteractionContextType,
  RESTJSONErrorCodes,
  SlashCommandBuilder,
  type APIEmbed,
} from 'discord.js';
import { UserError } from '../core/errors.js';
import { escapeText, formatDuration, trackLength } from '../core/format.js';
import type { QueuedTrack } from '../core/track.js';
import { isActive } from '../session/session-state.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';
import { NO_MENTIONS } from './reply.js';

/** `/grab`: sends the current track to the member in a DM (title, link, artwork, where it was heard). */
export const grabCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('grab')
    .setDescription('Send yourself the current track in a DM, for later')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const state = deps.sessions.get(interaction.guildId)?.state;
    if (!state || !isActive(state)) throw new UserError('NOTHING_PLAYING');
    const elapsed = deps.sessions.get(interaction.guildId)?.elapsedMs() ?? 0;
    const embed = grabEmbed(state.entry, interaction.guild.name, elapsed);
    try {
      await interaction.user.send({ embeds: [embed], allowedMentions: NO_MENTIONS });
    } catch (error) {
      if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.CannotSendMessagesToThisUser)
        throw new UserError('DM_CLOSED');
      throw error;
    }
    return `📬 Sent you **${escapeText(state.entry.title, 100)}** in a DM.`;
  },
};

const link = (url: string | undefined): string | undefined =>
  url && URL.canParse(url) && /^https?:$/.test(new URL(url).protocol) ? new URL(url).href : undefined;

function grabEmbed(entry: QueuedTrack, guildName: string, elapsedMs: number): APIEmbed {
  const url = link(entry.url);
  const thumbnail = link(entry.thumbnailUrl);
  const length = trackLength(entry);
  return {
    author: { name: '🎵 Grabbed for later' },
    title: escapeText(entry.title, 250),
    ...(url ? { url } : {}),
    description: [
      ...(entry.artist ? [`by ${escapeText(entry.artist, 100)}`] : []),
      ...(length ? [`Length: \`${length}\``] : []),
      `Heard in **${escapeText(guildName, 100)}** at \`${formatDuration(elapsedMs)}\`, requested by ${escapeText(entry.requester.name, 60)}.`,
    ].join('\n'),
    ...(thumbnail ? { thumbnail: { url: thumbnail } } : {}),
  };
}
