import { randomBytes } from 'node:crypto';
import { ChannelType, GatewayDispatchEvents, PermissionFlagsBits } from 'discord-api-types/v10';
import type { APIGuildMember, APIOverwrite, APIRole, APIUser, GatewayVoiceState } from 'discord-api-types/v10';
import { channelPermissions, DEFAULT_EVERYONE_PERMISSIONS } from './permissions.js';
import { SnowflakeFactory } from './snowflake.js';
import {
  guildCreatePayload,
  makeMember,
  makeRole,
  makeTextChannel,
  makeUser,
  makeVoiceChannel,
  makeVoiceState,
} from './world-builders.js';
import type { VoiceChannelSpec, WorldChannel, WorldGuild } from './world-builders.js';

/** Sends a gateway dispatch to the shard that owns `guildId` (or shard 0 for `null`). */
export type Dispatch = (guildId: string | null, event: GatewayDispatchEvents, data: unknown) => void;

/** What a new guild contains; every field has a default (see `World.addGuild`). */
export interface GuildSpec {
  name?: string;
  textChannels?: string[];
  voiceChannels?: Array<string | VoiceChannelSpec>;
  /** Usernames of (existing or new) users who become members. */
  members?: string[];
  everyonePermissions?: bigint;
}

/**
 * The fake Discord's state: users, guilds, channels, roles, members and voice states.
 * Mutations dispatch the gateway events real Discord would send, so the bot's caches stay truthful.
 */
export class World {
  readonly ids: SnowflakeFactory;
  readonly applicationId: string;
  readonly bot: APIUser;
  readonly owner: APIUser;
  readonly users = new Map<string, APIUser>();
  readonly guilds = new Map<string, WorldGuild>();
  /** Called after every voice state change (the voice hub follows who is in the bot's channel). */
  readonly voiceStateObservers: Array<(guildId: string, userId: string, channelId: string | null) => void> = [];
  private dispatch: Dispatch = () => undefined;

  constructor(options: { botUsername?: string; ids?: SnowflakeFactory } = {}) {
    this.ids = options.ids ?? new SnowflakeFactory();
    this.applicationId = this.ids.next();
    this.bot = makeUser(this.applicationId, options.botUsername ?? 'tunebot', true);
    this.users.set(this.bot.id, this.bot);
    this.owner = this.addUser('owner');
  }

  /** Connects the world to the gateway (done by `startOfflineDiscord`). */
  setDispatcher(dispatch: Dispatch): void {
    this.dispatch = dispatch;
  }

  addUser(username: string): APIUser {
    const existing = this.userByName(username);
    if (existing) return existing;
    const user = makeUser(this.ids.next(), username);
    this.users.set(user.id, user);
    return user;
  }

  userByName(username: string): APIUser | undefined {
    return [...this.users.values()].find((u) => u.username === username);
  }

  /**
   * Adds a guild with the bot as a member. Defaults: text channel `general`, voice channels `Music` and
   * `Lounge`, members alice, bob and carol. Dispatches GUILD_CREATE (a no-op before the bot is connected).
   */
  addGuild(spec: GuildSpec = {}): WorldGuild {
    const id = this.ids.next();
    const guild: WorldGuild = {
      id,
      name: spec.name ?? `Guild ${this.guilds.size + 1}`,
      ownerId: this.owner.id,
      joinedAt: new Date().toISOString(),
      channels: new Map(),
      roles: new Map(),
      members: new Map(),
      voiceStates: new Map(),
      botPresent: true,
    };
    this.guilds.set(id, guild);
    guild.roles.set(id, makeRole(id, '@everyone', spec.everyonePermissions ?? DEFAULT_EVERYONE_PERMISSIONS, 0));
    for (const name of spec.textChannels ?? ['general']) this.createChannel(guild, 'text', { name });
    for (const v of spec.voiceChannels ?? ['Music', 'Lounge']) {
      this.createChannel(guild, 'voice', typeof v === 'string' ? { name: v } : v);
    }
    for (const user of [this.bot, this.owner]) guild.members.set(user.id, makeMember(user, [], guild.joinedAt));
    for (const name of spec.members ?? ['alice', 'bob', 'carol']) {
      const user = this.addUser(name);
      guild.members.set(user.id, makeMember(user, [], guild.joinedAt));
    }
    this.dispatch(id, GatewayDispatchEvents.GuildCreate, guildCreatePayload(guild));
    return guild;
  }

  /** The guild, or an error naming the unknown id. */
  guild(guildId: string): WorldGuild {
    const guild = this.guilds.get(guildId);
    if (!guild) throw new Error(`offline-discord: unknown guild ${guildId}`);
    return guild;
  }

  /** The first guild added (the default world has exactly one). */
  get defaultGuild(): WorldGuild {
    const first = this.guilds.values().next();
    if (first.done) throw new Error('offline-discord: the world has no guild');
    return first.value;
  }

  /** Finds a channel anywhere in the world. */
  findChannel(channelId: string): { guild: WorldGuild; channel: WorldChannel } | undefined {
    for (const guild of this.guilds.values()) {
      const channel = guild.channels.get(channelId);
      if (channel) return { guild, channel };
    }
    return undefined;
  }

  /** A text channel of the guild, by name or the first one. */
  textChannel(guildId: string, name?: string): WorldChannel {
    return this.pickChannel(guildId, ChannelType.GuildText, name);
  }

  /** A voice channel of the guild, by name or the first one. */
  voiceChannel(guildId: string, name?: string): WorldChannel {
    return this.pickChannel(guildId, ChannelType.GuildVoice, name);
  }

  /** Adds a channel and dispatches CHANNEL_CREATE. */
  addChannel(guildId: string, kind: 'text' | 'voice', spec: VoiceChannelSpec): WorldChannel {
    const channel = this.createChannel(this.guild(guildId), kind, spec);
    this.dispatch(guildId, GatewayDispatchEvents.ChannelCreate, channel);
    return channel;
  }

  /** Adds a role and dispatches GUILD_ROLE_CREATE. */
  addRole(guildId: string, name: string, permissions: bigint): APIRole {
    const guild = this.guild(guildId);
    const role = makeRole(this.ids.next(), name, permissions, guild.roles.size);
    guild.roles.set(role.id, role);
    this.dispatch(guildId, GatewayDispatchEvents.GuildRoleCreate, { guild_id: guildId, role });
    return role;
  }

  /** Makes a user a member (if needed) with exactly these roles; dispatches GUILD_MEMBER_ADD or _UPDATE. */
  setMemberRoles(guildId: string, userId: string, roleIds: string[]): APIGuildMember {
    const guild = this.guild(guildId);
    const user = this.users.get(userId);
    if (!user) throw new Error(`offline-discord: unknown user ${userId}`);
    const existing = guild.members.get(userId);
    const member = existing ? { ...existing, roles: roleIds } : makeMember(user, roleIds);
    guild.members.set(userId, member);
    const event = existing ? GatewayDispatchEvents.GuildMemberUpdate : GatewayDispatchEvents.GuildMemberAdd;
    this.dispatch(guildId, event, { ...member, guild_id: guildId });
    return member;
  }

  /** Computed channel permissions of a member (Discord's algorithm, overwrites included). */
  permissionsIn(guildId: string, userId: string, channelId: string): bigint {
    const guild = this.guild(guildId);
    const channel = guild.channels.get(channelId);
    return channelPermissions({
      guildId,
      ownerId: guild.ownerId,
      userId,
      memberRoleIds: guild.members.get(userId)?.roles ?? [],
      roles: guild.roles,
      overwrites: channel?.permission_overwrites ?? [],
    });
  }

  /** Whether a member may join a voice channel (Connect, View Channel, and room under user_limit). */
  canJoinVoice(guildId: string, userId: string, channelId: string): boolean {
    const channel = this.guild(guildId).channels.get(channelId);
    if (!channel || channel.type !== ChannelType.GuildVoice) return false;
    const perms = this.permissionsIn(guildId, userId, channelId);
    const needed = PermissionFlagsBits.Connect | PermissionFlagsBits.ViewChannel;
    if ((perms & needed) !== needed) return false;
    const limit = channel.user_limit ?? 0;
    const inside = this.usersInVoice(guildId, channelId).filter((id) => id !== userId).length;
    return limit === 0 || inside < limit || (perms & PermissionFlagsBits.MoveMembers) !== 0n;
  }

  /** User ids currently in a voice channel. */
  usersInVoice(guildId: string, channelId: string): string[] {
    return [...this.guild(guildId).voiceStates.values()]
      .filter((s) => s.channel_id === channelId)
      .map((s) => s.user_id);
  }

  /** Puts a member in a voice channel (or out, with `null`) and dispatches VOICE_STATE_UPDATE. */
  setVoiceState(guildId: string, userId: string, channelId: string | null, sessionId?: string): GatewayVoiceState {
    const guild = this.guild(guildId);
    const member = guild.members.get(userId);
    if (!member) throw new Error(`offline-discord: user ${userId} is not a member of guild ${guildId}`);
    if (channelId !== null && !guild.channels.has(channelId)) {
      throw new Error(`offline-discord: unknown channel ${channelId} in guild ${guildId}`);
    }
    const previous = guild.voiceStates.get(userId);
    const session = sessionId ?? previous?.session_id ?? randomBytes(16).toString('hex');
    const state = makeVoiceState(guildId, member, channelId, session);
    if (channelId === null) guild.voiceStates.delete(userId);
    else guild.voiceStates.set(userId, state);
    this.dispatch(guildId, GatewayDispatchEvents.VoiceStateUpdate, state);
    for (const observe of this.voiceStateObservers) observe(guildId, userId, channelId);
    return state;
  }

  /** Replaces a channel's permission overwrites and dispatches CHANNEL_UPDATE. */
  setChannelPermissionOverwrites(guildId: string, channelId: string, overwrites: APIOverwrite[]): WorldChannel {
    const guild = this.guild(guildId);
    const channel = guild.channels.get(channelId);
    if (!channel) throw new Error(`offline-discord: unknown channel ${channelId}`);
    const updated = { ...channel, permission_overwrites: overwrites } as WorldChannel;
    guild.channels.set(channelId, updated);
    this.dispatch(guildId, GatewayDispatchEvents.ChannelUpdate, updated);
    return updated;
  }

  /** Deletes a channel: everyone in it (bot included) is disconnected first, then CHANNEL_DELETE. */
  deleteChannel(guildId: string, channelId: string): void {
    const guild = this.guild(guildId);
    const channel = guild.channels.get(channelId);
    if (!channel) throw new Error(`offline-discord: unknown channel ${channelId}`);
    for (const userId of this.usersInVoice(guildId, channelId)) this.setVoiceState(guildId, userId, null);
    guild.channels.delete(channelId);
    this.dispatch(guildId, GatewayDispatchEvents.ChannelDelete, channel);
  }

  /** The bot leaves (is kicked from) a guild: voice state cleared, GUILD_DELETE without `unavailable`. */
  removeBotFromGuild(guildId: string): void {
    const guild = this.guild(guildId);
    guild.voiceStates.delete(this.bot.id);
    this.dispatch(guildId, GatewayDispatchEvents.GuildDelete, { id: guildId });
    guild.botPresent = false;
  }

  private createChannel(guild: WorldGuild, kind: 'text' | 'voice', spec: VoiceChannelSpec): WorldChannel {
    const id = this.ids.next();
    const position = guild.channels.size;
    const channel =
      kind === 'text'
        ? { ...makeTextChannel(id, guild.id, spec.name, position), permission_overwrites: spec.overwrites ?? [] }
        : makeVoiceChannel(id, guild.id, spec, position);
    guild.channels.set(id, channel);
    return channel;
  }

  private pickChannel(guildId: string, type: ChannelType, name?: string): WorldChannel {
    const found = [...this.guild(guildId).channels.values()].find(
      (c) => c.type === type && (name === undefined || c.name === name),
    );
    if (!found) throw new Error(`offline-discord: no ${ChannelType[type]} channel ${name ?? ''} in guild ${guildId}`);
    return found;
  }
}
