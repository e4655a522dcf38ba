import {
  PermissionFlagsBits,
  type ChatInputCommandInteraction,
  type GuildMember,
  type VoiceBasedChannel,
} from 'discord.js';
import { UserError } from '../core/errors.js';
import { denials } from './denials.js';
import type { GuildSession } from '../session/guild-session.js';
import type { SessionManager } from '../session/session-manager.js';

/** The invoking member's voice channel, or NOT_IN_VOICE. */
export function memberVoiceChannel(interaction: ChatInputCommandInteraction<'cached'>): VoiceBasedChannel {
  const channel = interaction.member.voice.channel;
  if (!channel) throw new UserError('NOT_IN_VOICE');
  return channel;
}

/** The acting member's voice channel (slash command, button or web), or NOT_IN_VOICE. */
export function actorVoiceChannel(actor: { readonly member: GuildMember }): VoiceBasedChannel {
  const channel = actor.member.voice.channel;
  if (!channel) throw new UserError('NOT_IN_VOICE');
  return channel;
}

/** The bot needs to see, connect and speak; a full channel needs Move Members to get in. */
export function assertCanJoin(channel: VoiceBasedChannel): void {
  const me = channel.guild.members.me;
  const permissions = me ? channel.permissionsFor(me) : null;
  const needed = [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.Connect, PermissionFlagsBits.Speak];
  if (!permissions?.has(needed)) throw new UserError('MISSING_VOICE_PERMISSIONS');
  if (channel.full && !permissions.has(PermissionFlagsBits.MoveMembers)) throw new UserError('VOICE_CHANNEL_FULL');
}

/** The refusal of a member outside the bot's voice channel, naming it. */
export function notSameChannel(channelId: string, what?: string): UserError {
  return denials.notSameChannel(channelId, what);
}

/** The guild's session, with the member in its channel (controls are for listeners only). */
export function sessionForMember(
  interaction: ChatInputCommandInteraction<'cached'>,
  sessions: SessionManager,
): GuildSession {
  const session = sessions.get(interaction.guildId);
  if (!session) throw new UserError('NOTHING_PLAYING');
  if (interaction.member.voice.channelId !== session.voiceChannelId)
    throw denials.notSameChannel(session.voiceChannelId);
  return session;
}
