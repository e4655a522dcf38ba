import {
  AttachmentBuilder,
  InteractionContextType,
  SlashCommandBuilder,
  type SlashCommandSubcommandBuilder,
} from 'discord.js';
import { UserError } from '../core/errors.js';
import { escapeText, plural } from '../core/format.js';
import { m3uFileName, PLAYLIST_NAME_MAX, toM3u, validPlaylistName } from '../core/saved-playlist.js';
import type { Track } from '../core/track.js';
import { isActive } from '../session/session-state.js';
import { actorOf } from '../controls/control-guard.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';
import { loadSavedPlaylist, type Placement } from './playlist-load.js';
import { renderPlaylist, renderPlaylistList } from './playlist-view.js';

type Interaction = CommandContext['interaction'];

const nameOption = (sub: SlashCommandSubcommandBuilder, description: string) =>
  sub.addStringOption((o) =>
    o
      .setName('name')
      .setDescription(description)
      .setRequired(true)
      .setMaxLength(PLAYLIST_NAME_MAX * 2)
      .setAutocomplete(true),
  );

function build() {
  return new SlashCommandBuilder()
    .setName('playlist')
    .setDescription('Your saved playlists (yours only, in every server)')
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((sub) =>
      nameOption(
        sub.setName('save').setDescription('Save the queue (or just the current track) as a playlist'),
        'A name for it',
      ).addBooleanOption((o) => o.setName('current').setDescription('Save only the track playing now')),
    )
    .addSubcommand((sub) =>
      nameOption(
        sub.setName('load').setDescription('Queue one of your saved playlists'),
        'Which playlist',
      ).addStringOption((o) =>
        o
          .setName('position')
          .setDescription('Where to put it (default: the end of the queue)')
          .addChoices(
            { name: 'next (after the current track)', value: 'next' },
            { name: 'now (replace the current track)', value: 'now' },
          ),
      ),
    )
    .addSubcommand((sub) => sub.setName('list').setDescription('List your saved playlists'))
    .addSubcommand((sub) =>
      nameOption(sub.setName('show').setDescription('Show the tracks of a saved playlist'), 'Which playlist'),
    )
    .addSubcommand((sub) =>
      nameOption(sub.setName('delete').setDescription('Delete one of your saved playlists'), 'Which playlist'),
    )
    .addSubcommand((sub) =>
      nameOption(sub.setName('export').setDescription('Get a saved playlist as an .m3u file'), 'Which playlist'),
    );
}

/**
 * `/playlist save|load|list|show|delete|export`. The owner is always the invoking member (their user id):
 * no option names another member, so playlists are private by construction.
 */
export const playlistCommand: SlashCommand = {
  data: build().toJSON(),

  async autocomplete(interaction, deps) {
    const names = await deps.playlists.names(interaction.user.id, String(interaction.options.getFocused()));
    return names.slice(0, 25).map((name) => ({ name, value: name }));
  },

  async execute(ctx: CommandContext): Promise<CommandReply> {
    const { interaction, deps } = ctx;
    const owner = interaction.user.id;
    const sub = interaction.options.getSubcommand(true);
    if (sub === 'list') return renderPlaylistList(await deps.playlists.list(owner), deps.config.maxSavedPlaylists);
    const name = validPlaylistName(interaction.options.getString('name', true));
    switch (sub) {
      case 'save': {
        const tracks = tracksToSave(ctx, interaction.options.getBoolean('current') === true);
        const { playlist, replaced } = await deps.playlists.save(owner, name, tracks);
        return `💾 ${replaced ? 'Replaced' : 'Saved'} **${escapeText(playlist.name)}** with ${plural(playlist.tracks.length, 'track')}. Load it anywhere with \`/playlist load\`.`;
      }
      case 'load':
        return loadSavedPlaylist(
          {
            actor: actorOf(interaction, deps),
            deps,
            textChannelId: interaction.channelId,
            placement: placementOf(interaction),
            after: ctx.after,
            edit: async () => undefined,
          },
          await deps.playlists.get(owner, name),
        );
      case 'show':
        return renderPlaylist(await deps.playlists.get(owner, name));
      case 'delete': {
        const deleted = await deps.playlists.delete(owner, name);
        return `🗑️ Deleted **${escapeText(deleted.name)}** (${plural(deleted.tracks.length, 'track')}).`;
      }
      case 'export': {
        const playlist = await deps.playlists.get(owner, name);
        const file = new AttachmentBuilder(Buffer.from(toM3u(playlist), 'utf8'), { name: m3uFileName(playlist.name) });
        return {
          content: `📤 **${escapeText(playlist.name)}** as M3U (${plural(playlist.tracks.length, 'track')}); \`/play file:\` plays it back.`,
          files: [file],
        };
      }
      default:
        throw new UserError('UNKNOWN_PLAYLIST_ACTION');
    }
  },
};

/** The queue as listeners see it (current, then upcoming), or the current track alone. */
function tracksToSave({ interaction, deps }: CommandContext, currentOnly: boolean): readonly Track[] {
  const session = deps.sessions.get(interaction.guildId);
  const state = session?.state;
  const current = state && isActive(state) ? [state.entry] : [];
  if (currentOnly) {
    if (current.length === 0) throw new UserError('NOTHING_PLAYING');
    return current;
  }
  return [...current, ...(session?.queue.upcoming ?? [])];
}

const placementOf = (interaction: Interaction): Placement => {
  const value = interaction.options.getString('position');
  return value === 'next' || value === 'now' ? value : 'end';
};
