import {
  ChannelType,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type SlashCommandSubcommandBuilder,
} from 'discord.js';
import { UserError } from '../core/errors.js';
import { denials } from '../controls/denials.js';
import type { GuildSettings } from '../settings/guild-settings.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';
import { renderSettings } from './settings-view.js';

type Patch = Partial<GuildSettings>;
type Interaction = CommandContext['interaction'];

/** One settable field: its subcommand, its option, and how the option becomes a patch and a confirmation. */
interface Setter {
  readonly name: string;
  readonly description: string;
  readonly option: (sub: SlashCommandSubcommandBuilder) => SlashCommandSubcommandBuilder;
  readonly patch: (interaction: Interaction) => Patch;
}

const bool = (name: string, description: string) => (sub: SlashCommandSubcommandBuilder) =>
  sub.addBooleanOption((o) => o.setName(name).setDescription(description).setRequired(true));
const int = (name: string, description: string, min: number, max: number) => (sub: SlashCommandSubcommandBuilder) =>
  sub.addIntegerOption((o) =>
    o.setName(name).setDescription(description).setRequired(true).setMinValue(min).setMaxValue(max),
  );

const SETTERS: readonly Setter[] = [
  {
    name: 'dj-role',
    description: 'Restrict skip/stop/volume… to a role (leave empty to remove the restriction)',
    option: (sub) => sub.addRoleOption((o) => o.setName('role').setDescription('The DJ role')),
    patch: (i) => ({ djRoleId: knownId(i, 'role', (id) => i.guild.roles.cache.has(id)) }),
  },
  {
    name: 'announce-channel',
    description: 'Post now-playing messages here (leave empty: where the queue was started)',
    option: (sub) =>
      sub.addChannelOption((o) =>
        o
          .setName('channel')
          .setDescription('A text channel')
          .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
      ),
    patch: (i) => ({
      announceChannelId: knownId(i, 'channel', (id) => i.guild.channels.cache.get(id)?.isTextBased() === true),
    }),
  },
  {
    name: 'announce',
    description: 'Turn now-playing messages on or off',
    option: bool('enabled', 'Post a message when a track starts'),
    patch: (i) => ({ announceNowPlaying: i.options.getBoolean('enabled', true) }),
  },
  {
    name: 'default-volume',
    description: 'Volume new sessions start at',
    option: int('percent', '0-200 (100 is unchanged)', 0, 200),
    patch: (i) => ({ defaultVolume: i.options.getInteger('percent', true) }),
  },
  {
    name: 'max-queue',
    description: 'Most tracks the queue may hold',
    option: int('length', 'Number of upcoming tracks', 1, 10_000),
    patch: (i) => ({ maxQueueLength: i.options.getInteger('length', true) }),
  },
  {
    name: 'max-per-user',
    description: 'Most tracks one member may have queued (0: no limit)',
    option: int('limit', 'Tracks per member, 0 for no limit', 0, 10_000),
    patch: (i) => ({ maxTracksPerUser: i.options.getInteger('limit', true) || null }),
  },
  {
    name: 'duplicates',
    description: 'Allow the same track in the queue more than once',
    option: bool('allowed', 'Allow duplicates'),
    patch: (i) => ({ allowDuplicates: i.options.getBoolean('allowed', true) }),
  },
  {
    name: 'stay-247',
    description: 'Stay in the voice channel when idle or alone',
    option: bool('enabled', 'Stay 24/7'),
    patch: (i) => ({ stay247: i.options.getBoolean('enabled', true) }),
  },
  {
    name: 'vote-skip-share',
    description: 'Share of listeners whose votes skip a track',
    option: int('percent', '1-100', 1, 100),
    patch: (i) => ({ voteSkipShare: i.options.getInteger('percent', true) / 100 }),
  },
  {
    name: 'normalize',
    description: 'Play every track at about the same loudness',
    option: bool('enabled', 'Normalize loudness'),
    patch: (i) => ({ normalize: i.options.getBoolean('enabled', true) }),
  },
  {
    name: 'autoplay',
    description: 'Start sessions with autoplay on (related tracks when the queue runs out)',
    option: bool('enabled', 'Autoplay by default'),
    patch: (i) => ({ autoplay: i.options.getBoolean('enabled', true) }),
  },
  {
    name: 'crossfade',
    description: 'Overlap the end of each track with the start of the next',
    option: int('seconds', '0-12 (0: no overlap, tracks run straight into each other)', 0, 12),
    patch: (i) => ({ crossfadeSeconds: i.options.getInteger('seconds', true) }),
  },
];

/**
 * An id option read from the raw value (not the resolved object, which Discord may omit), checked against
 * the guild's cache; absent means "unset".
 */
function knownId(interaction: Interaction, option: string, exists: (id: string) => boolean): string | null {
  const value = interaction.options.get(option)?.value;
  if (value === undefined || value === null) return null;
  const id = String(value);
  if (!/^\d{1,20}$/.test(id) || !exists(id)) throw new UserError('SETTING_TARGET_NOT_FOUND', { option });
  return id;
}

function build(): SlashCommandBuilder {
  const builder = new SlashCommandBuilder()
    .setName('settings')
    .setDescription("View or change this server's music settings")
    .setContexts(InteractionContextType.Guild)
    // Hides /settings from members without Manage Server in Discord's picker; the runtime check below is the
    // real gate (server admins can change who sees a command).
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild);
  builder.addSubcommand((sub) => sub.setName('view').setDescription('Show the current settings'));
  for (const setter of SETTERS)
    builder.addSubcommand((sub) => setter.option(sub.setName(setter.name).setDescription(setter.description)));
  return builder;
}

/** `/settings …`: Manage Server only. */
export const settingsCommand: SlashCommand = {
  data: build().toJSON(),

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    if (!interaction.memberPermissions.has(PermissionFlagsBits.ManageGuild)) throw denials.manageGuildRequired();
    const name = interaction.options.getSubcommand(true);
    if (name === 'view') return renderSettings(await deps.settings.get(interaction.guildId));
    const setter = SETTERS.find((s) => s.name === name);
    if (!setter) throw new UserError('UNKNOWN_SETTING');
    const updated = await deps.settings.update(interaction.guildId, setter.patch(interaction));
    // The playing track too: a new gain, or a new fade point.
    const session = deps.sessions.get(interaction.guildId);
    if (name === 'normalize') await session?.restyle().catch(() => undefined);
    if (name === 'crossfade') await session?.retimeCrossfade().catch(() => undefined);
    return `✅ Saved.\n${renderSettings(updated)}`;
  },
};
