import {
  ChannelType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
} from 'discord-api-types/v10';
import type {
  APIGuildMember,
  APIGuildVoiceChannel,
  APIOverwrite,
  APIRole,
  APITextChannel,
  APIUser,
  GatewayGuildCreateDispatchData,
  GatewayVoiceState,
  GuildMemberFlags,
  RoleFlags,
} from 'discord-api-types/v10';

/** A guild channel the fake models: text (type 0) or voice (type 2). */
export type WorldChannel = APITextChannel | APIGuildVoiceChannel;

/** One guild's state in the world model. Mutate it only through `World` so the gateway dispatches events. */
export interface WorldGuild {
  id: string;
  name: string;
  ownerId: string;
  joinedAt: string;
  channels: Map<string, WorldChannel>;
  roles: Map<string, APIRole>;
  members: Map<string, APIGuildMember>;
  voiceStates: Map<string, GatewayVoiceState>;
  /** False after `removeBotFromGuild`: the guild is then gone for the bot (no GUILD_CREATE). */
  botPresent: boolean;
}

export function makeUser(id: string, username: string, bot = false): APIUser {
  return {
    id,
    username,
    global_name: bot ? null : username[0]!.toUpperCase() + username.slice(1),
    discriminator: bot ? '0001' : '0',
    avatar: null,
    ...(bot ? { bot: true } : {}),
  };
}

export function makeRole(id: string, name: string, permissions: bigint, position: number): APIRole {
  return {
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    position,
    permissions: permissions.toString(),
    managed: false,
    mentionable: false,
    flags: 0 as RoleFlags,
  };
}

export function makeMember(user: APIUser, roles: string[] = [], joinedAt = new Date().toISOString()): APIGuildMember {
  return {
    user,
    nick: null,
    avatar: null,
    banner: null,
    roles,
    joined_at: joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
  };
}

export function makeTextChannel(id: string, guildId: string, name: string, position: number): APITextChannel {
  return {
    id,
    type: ChannelType.GuildText,
    guild_id: guildId,
    name,
    position,
    permission_overwrites: [],
    parent_id: null,
    nsfw: false,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
  };
}

/** Options for a voice channel: Discord's defaults are 64 kbps and no user limit. */
export interface VoiceChannelSpec {
  name: string;
  bitrate?: number;
  userLimit?: number;
  overwrites?: APIOverwrite[];
}

export function makeVoiceChannel(
  id: string,
  guildId: string,
  spec: VoiceChannelSpec,
  position: number,
): APIGuildVoiceChannel {
  return {
    id,
    type: ChannelType.GuildVoice,
    guild_id: guildId,
    name: spec.name,
    position,
    permission_overwrites: spec.overwrites ?? [],
    parent_id: null,
    nsfw: false,
    bitrate: spec.bitrate ?? 64_000,
    user_limit: spec.userLimit ?? 0,
    rtc_region: null,
    video_quality_mode: 1,
    last_message_id: null,
    rate_limit_per_user: 0,
  };
}

export function makeVoiceState(
  guildId: string,
  member: APIGuildMember,
  channelId: string | null,
  sessionId: string,
): GatewayVoiceState {
  return {
    guild_id: guildId,
    channel_id: channelId,
    user_id: member.user.id,
    member,
    session_id: sessionId,
    deaf: false,
    mute: false,
    self_deaf: false,
    self_mute: false,
    self_video: false,
    suppress: false,
    request_to_speak_timestamp: null,
  };
}

/** The GUILD_CREATE payload discord.js needs: channels, roles, members (incl. the bot), voice states. */
export function guildCreatePayload(guild: WorldGuild): GatewayGuildCreateDispatchData {
  const voiceStates = [...guild.voiceStates.values()]
    .filter((s) => s.channel_id !== null)
    .map(({ guild_id: _guildId, ...rest }) => rest);
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: GuildVerificationLevel.None,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.Disabled,
    roles: [...guild.roles.values()],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications,
    rules_channel_id: null,
    vanity_url_code: null,
    premium_tier: GuildPremiumTier.None,
    premium_subscription_count: 0,
    preferred_locale: 'en-US' as GatewayGuildCreateDispatchData['preferred_locale'],
    public_updates_channel_id: null,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    nsfw_level: GuildNSFWLevel.Default,
    premium_progress_bar_enabled: false,
    safety_alerts_channel_id: null,
    hub_type: null,
    incidents_data: null,
    joined_at: guild.joinedAt,
    large: false,
    unavailable: false,
    member_count: guild.members.size,
    voice_states: voiceStates,
    members: [...guild.members.values()],
    channels: [...guild.channels.values()],
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}
