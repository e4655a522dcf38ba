import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { UserError } from '../core/errors.js';
import { renderNowPlaying } from './now-playing-view.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';

/** `/nowplaying`: the same message (and buttons) as the now-playing announcement, at this moment. */
export const nowPlayingCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('nowplaying')
    .setDescription('Show what is playing')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),

  precheck({ interaction, deps }) {
    const session = deps.sessions.get(interaction.guildId);
    if (!session || !renderNowPlaying(session)) throw new UserError('NOTHING_PLAYING');
  },

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const session = deps.sessions.get(interaction.guildId);
    const settings = deps.settings.peek(interaction.guildId);
    const view = session
      ? renderNowPlaying(session, { autoplay: deps.autoplay.enabled(interaction.guildId, settings.autoplay) })
      : null;
    if (!view) throw new UserError('NOTHING_PLAYING');
    return view;
  },
};
