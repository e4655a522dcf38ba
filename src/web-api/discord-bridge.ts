import { ChannelType, PermissionFlagsBits, type Client, type Guild } from 'discord.js';
import { isFilterPreset } from '../core/audio-filter.js';
import { UserError } from '../core/errors.js';
import { parseQuery } from '../core/query.js';
import type { QueuedTrack } from '../core/track.js';
import type { Actor } from '../controls/control-guard.js';
import { setLoopMode, shuffleQueue, skipOrVote } from '../controls/player-actions.js';
import {
  clearQueue,
  moveTrack,
  pausePlayback,
  previousTrack,
  removeTracks,
  resumePlayback,
  seekTo,
  setFilterPreset,
  setVolumePercent,
} from '../controls/session-actions.js';
import type { CommandDeps } from '../commands/command.js';
import { playRequest, type PlayRequest } from '../commands/play.js';
import { loadSavedPlaylist } from '../commands/playlist-load.js';
import type { GuildSession } from '../session/guild-session.js';
import type { GuildSummary, PlayerBody, QueueBody, TrackBody } from './schemas.js';
import type { GuildDirectory, WebPlayer } from './web-ports.js';
import { webError } from './web-errors.js';

/** The discord.js side of the web API: membership from the bot's own view of each server. */
export function discordGuildDirectory(client: Client, deps: CommandDeps): GuildDirectory {
  const summary = (guild: Guild): GuildSummary => ({
    id: guild.id,
    name: guild.name,
    iconUrl: guild.iconURL({ size: 128 }),
    playing: isPlaying(deps.sessions.get(guild.id)),
  });
  const member = async (guild: Guild, userId: string) =>
    guild.members.cache.get(userId) ?? (await guild.members.fetch(userId).catch(() => null));
  return {
    async shared(user, hint) {
      const guilds = [...client.guilds.cache.values()].filter((g) => !hint || hint.includes(g.id));
      const found = await Promise.all(guilds.map(async (g) => ((await member(g, user.id)) ? g : null)));
      return found.filter((g): g is Guild => g !== null).map(summary);
    },
    async actor(userId, guildId) {
      const guild = client.guilds.cache.get(guildId);
      const found = guild && (await member(guild, userId));
      if (!found) throw webError(404, 'GUILD_NOT_FOUND');
      // As Discord computes it for an interaction: the owner and administrators have Manage Server.
      return { guildId, member: found, manageGuild: found.permissions.has(PermissionFlagsBits.ManageGuild), deps };
    },
  };
}

const isPlaying = (session: GuildSession | undefined): boolean =>
  session !== undefined && (session.state.status === 'playing' || session.state.status === 'paused');

export function trackBody(entry: QueuedTrack): TrackBody {
  return {
    entryId: entry.entryId,
    title: entry.title,
    url: entry.url || null,
    artworkUrl: entry.thumbnailUrl ?? null,
    durationMs: entry.durationMs,
    requestedBy: entry.requester.name || null,
    source: entry.source,
  };
}

const IDLE_PLAYER: PlayerBody = {
  status: 'idle',
  track: null,
  positionMs: 0,
  volume: 100,
  loop: 'off',
  filter: 'off',
  voiceChannelId: null,
};

/** The player actions of the slash commands, for the web: the same functions, so the same rules and words. */
export function discordWebPlayer(client: Client, deps: CommandDeps): WebPlayer {
  const live = (guildId: string) => {
    const session = deps.sessions.get(guildId);
    return session && session.state.status !== 'destroyed' ? session : undefined;
  };
  const request = (actor: Actor): PlayRequest => ({
    actor,
    deps,
    textChannelId: textChannelFor(client, actor.guildId, live(actor.guildId)),
    placement: 'end',
    after: (task) => {
      void task().catch((error: unknown) => deps.logger.warn({ err: error }, 'web: background task failed'));
    },
    edit: async () => undefined,
  });
  return {
    player(guildId) {
      const session = live(guildId);
      if (!session) return IDLE_PLAYER;
      const state = session.state;
      const current = session.queue.current;
      return {
        status: state.status === 'destroyed' ? 'idle' : state.status,
        track: state.status !== 'idle' && current ? trackBody(current) : null,
        positionMs: state.status === 'idle' ? 0 : Math.max(0, Math.round(session.elapsedMs())),
        volume: Math.round(session.volume * 100),
        loop: session.queue.loop,
        filter: session.filter,
        voiceChannelId: session.voiceChannelId,
      };
    },
    queue: (guildId): QueueBody => ({ tracks: (live(guildId)?.queue.upcoming ?? []).map(trackBody) }),
    pause: pausePlayback,
    resume: resumePlayback,
    skip: async (actor) => (await skipOrVote(actor)).text,
    previous: previousTrack,
    seek: (actor, positionMs) => seekTo(actor, () => positionMs),
    volume: setVolumePercent,
    loop: (actor, mode) => setLoopMode(actor, mode),
    filter(actor, preset) {
      if (!isFilterPreset(preset)) throw new UserError('UNKNOWN_FILTER');
      return setFilterPreset(actor, preset);
    },
    add(actor, text) {
      const query = parseQuery(text);
      deps.sources.precheck(query);
      return playRequest(request(actor), query);
    },
    remove: (actor, entryId) => removeTracks(actor, { entryId }),
    move: (actor, entryId, toIndex) => moveTrack(actor, { entryId }, toIndex + 1),
    clear: clearQueue,
    shuffle: shuffleQueue,
    playlists: async (userId) =>
      (await deps.playlists.list(userId)).map((p) => ({ name: p.name, trackCount: p.tracks.length })),
    playPlaylist: async (actor, name) =>
      loadSavedPlaylist(request(actor), await deps.playlists.get(actor.member.id, name)),
    watch: (guildId, listener) => watchGuild(deps, guildId, listener),
  };
}

/** Follows the guild's session through its changes, and the next session when one starts. */
function watchGuild(deps: CommandDeps, guildId: string, listener: () => void): () => void {
  let watched: GuildSession | undefined;
  const events = ['changed', 'stateChange', 'trackStart'] as const;
  const attach = (session: GuildSession | undefined) => {
    if (watched) for (const event of events) watched.off(event, listener);
    watched = session;
    if (session) for (const event of events) session.on(event, listener);
  };
  const onCreated = (session: GuildSession) => {
    if (session.guildId !== guildId) return;
    attach(session);
    listener();
  };
  const onEnded = (session: GuildSession) => {
    if (session.guildId === guildId) listener();
  };
  attach(deps.sessions.get(guildId));
  deps.sessions.on('created', onCreated);
  deps.sessions.on('ended', onEnded);
  return () => {
    attach(undefined);
    deps.sessions.off('created', onCreated);
    deps.sessions.off('ended', onEnded);
  };
}

/** Where a session started from the web sends its notices: the current one's, the system channel, else a text channel. */
function textChannelFor(client: Client, guildId: string, session: GuildSession | undefined): string {
  if (session) return session.textChannelId;
  const guild = client.guilds.cache.get(guildId);
  const me = guild?.members.me;
  const writable = guild?.channels.cache.find(
    (c) => c.type === ChannelType.GuildText && (!me || c.permissionsFor(me)?.has(PermissionFlagsBits.SendMessages)),
  );
  return guild?.systemChannelId ?? writable?.id ?? guildId;
}
