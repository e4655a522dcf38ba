import { denials } from '../controls/denials.js';
import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';

/** `/autoplay enabled:<bool>`: for this session; `/settings autoplay` sets what sessions start with. */
export const autoplayCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('autoplay')
    .setDescription('When the queue runs out, keep playing related tracks')
    .setContexts(InteractionContextType.Guild)
    .addBooleanOption((o) => o.setName('enabled').setDescription('On or off').setRequired(true))
    .toJSON(),

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const session = deps.sessions.get(interaction.guildId);
    if (session && interaction.member.voice.channelId !== session.voiceChannelId)
      throw denials.notSameChannel(session.voiceChannelId, 'change autoplay');
    const enabled = interaction.options.getBoolean('enabled', true);
    deps.autoplay.set(interaction.guildId, enabled);
    return enabled
      ? '📻 Autoplay is **on**: when the queue runs out, I queue a related track (never one played recently).'
      : '📻 Autoplay is **off**: playback stops when the queue runs out.';
  },
};
