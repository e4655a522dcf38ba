import {
  PermissionFlagsBits,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Guild,
  type GuildMember,
} from 'discord.js';
import { UserError } from '../core/errors.js';
import type { GuildSession } from '../session/guild-session.js';
import type { SessionManager } from '../session/session-manager.js';
import type { GuildSettings, SettingsStore } from '../settings/guild-settings.js';
import { denials } from './denials.js';
import { mayUseGuardedControl, type ControlFacts } from './permissions.js';
import type { VoteSkips } from './vote-skip.js';

/** What the player controls need from the composition root (a part of the commands' `CommandDeps`). */
export interface ControlDeps {
  readonly sessions: SessionManager;
  readonly settings: SettingsStore;
  /** The process's skip ballots, built once in app.ts. */
  readonly votes: VoteSkips;
}

/**
 * Who is acting, whatever they clicked or typed: slash commands and now-playing buttons share one set of
 * player actions, so the permission rules cannot drift apart between them.
 */
export interface Actor {
  readonly guildId: string;
  readonly member: GuildMember;
  readonly manageGuild: boolean;
  readonly deps: ControlDeps;
}

/** The session and the guild's settings, for a member who is allowed to act on it. */
export interface Controlled {
  readonly session: GuildSession;
  readonly settings: GuildSettings;
  readonly facts: ControlFacts;
}

export function actorOf(
  interaction: ChatInputCommandInteraction<'cached'> | ButtonInteraction<'cached'>,
  deps: ControlDeps,
): Actor {
  return {
    guildId: interaction.guildId,
    member: interaction.member,
    // memberPermissions is what Discord computed for this interaction (administrators included).
    manageGuild: interaction.memberPermissions.has(PermissionFlagsBits.ManageGuild),
    deps,
  };
}

/** Human listeners in a voice channel: the bot itself and other bots are not listeners. */
export function listenerIds(guild: Guild, channelId: string): string[] {
  const botId = guild.client.user.id;
  return guild.voiceStates.cache
    .filter((vs) => vs.channelId === channelId && vs.id !== botId && vs.member?.user.bot !== true)
    .map((vs) => vs.id);
}

/** The guild's session, with the member in its channel (controls are for listeners only). */
export function listenerSession(actor: Actor): GuildSession {
  const session = actor.deps.sessions.get(actor.guildId);
  if (!session || session.state.status === 'destroyed') throw new UserError('NOTHING_PLAYING');
  if (actor.member.voice.channelId !== session.voiceChannelId) throw denials.notSameChannel(session.voiceChannelId);
  return session;
}

/** The session plus the facts the permission rules need; any listener gets this far. */
export async function controlContext(actor: Actor): Promise<Controlled> {
  const session = listenerSession(actor);
  const settings = await actor.deps.settings.get(actor.guildId);
  const facts: ControlFacts = {
    member: { userId: actor.member.id, roleIds: [...actor.member.roles.cache.keys()], manageGuild: actor.manageGuild },
    djRoleId: settings.djRoleId,
    listenerIds: listenerIds(actor.member.guild, session.voiceChannelId),
  };
  return { session, settings, facts };
}

/** As `controlContext`, for a guarded control: `what` completes "Only DJs can …" in the refusal. */
export async function guardedControl(actor: Actor, what: string): Promise<Controlled> {
  const controlled = await controlContext(actor);
  if (!mayUseGuardedControl(controlled.facts)) throw denials.notDj(what, controlled.settings.djRoleId);
  return controlled;
}

/**
 * The precheck of every player control: refuses from cached state (no session, member elsewhere) before the
 * deferral, so that the refusal is private. Synchronous by contract (see `SlashCommand.precheck`).
 */
export function requireListener({
  interaction,
  deps,
}: {
  readonly interaction: ChatInputCommandInteraction<'cached'>;
  readonly deps: ControlDeps;
}): void {
  listenerSession(actorOf(interaction, deps));
}
