import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { UserError, renderNote } from '../core/errors.js';
import { escapeText, trackLength } from '../core/format.js';
import { MAX_QUERY_LENGTH, parseQuery } from '../core/query.js';
import type { SourceName, Track } from '../core/track.js';
import { actorOf, controlContext, type Actor } from '../controls/control-guard.js';
import { denials } from '../controls/denials.js';
import { decideSkip } from '../controls/permissions.js';
import { actorVoiceChannel, assertCanJoin, memberVoiceChannel, notSameChannel } from '../controls/preconditions.js';
import { finalise } from './reply.js';
import type { Clock } from '../ports/clock.js';
import type { Query } from '../ports/source.js';
import type { PlaylistLoad } from '../resolver/playlist-loader.js';
import type { EnqueueResult, GuildSession } from '../session/guild-session.js';
import { isActive } from '../session/session-state.js';
import type { GuildSettings } from '../settings/guild-settings.js';
import type { CommandContext, CommandDeps, CommandReply, SlashCommand } from './command.js';
import { fillPlaylist } from './play-fill.js';
import { applyQueueLimits, assertSomethingAccepted, describeLeftOut, type LimitedTracks } from './play-limits.js';

const RESOLVE_TIMEOUT_MS = 30_000;
/** Discord drops autocomplete answers after 3 s; leave room for the round trip. */
const AUTOCOMPLETE_BUDGET_MS = 2000;
/** How long `/play` waits for the first track to actually start before replying anyway. */
const START_WAIT_MS = 15_000;

export type Placement = 'end' | 'next' | 'now';

export const playCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('play')
    .setDescription('Play a song or stream, or add it to the queue')
    .setContexts(InteractionContextType.Guild)
    .addStringOption((option) =>
      option
        .setName('query')
        .setDescription('A link (YouTube, SoundCloud, Spotify, a file or stream) or words to search for')
        .setRequired(false)
        .setMaxLength(MAX_QUERY_LENGTH)
        .setAutocomplete(true),
    )
    .addAttachmentOption((option) =>
      option.setName('file').setDescription('An audio file or playlist (M3U, PLS, XSPF) to play'),
    )
    .addStringOption((option) =>
      option
        .setName('position')
        .setDescription('Where to put it (default: the end of the queue)')
        .addChoices(
          { name: 'next (after the current track)', value: 'next' },
          { name: 'now (replace the current track)', value: 'now' },
        ),
    )
    .toJSON(),

  /** The cheap refusals, from cached state, before the deferral (so they are private): see SlashCommand.precheck. */
  precheck({ interaction, deps }) {
    deps.sources.precheck(queryOf(interaction));
    const channel = memberVoiceChannel(interaction);
    const existing = deps.sessions.get(interaction.guildId);
    if (
      existing &&
      existing.voiceChannelId !== channel.id &&
      (existing.state.status !== 'idle' || existing.queue.length > 0)
    ) {
      throw notSameChannel(existing.voiceChannelId, 'add music');
    }
    if (!existing || existing.voiceChannelId !== channel.id) assertCanJoin(channel);
  },

  async autocomplete(interaction, deps) {
    const text = interaction.options.getFocused().trim();
    if (text.length < 2 || /^\S+:\/\//.test(text)) return [];
    return deps.sources.suggest(text, AbortSignal.timeout(AUTOCOMPLETE_BUDGET_MS));
  },

  async execute({ interaction, deps, after }: CommandContext): Promise<CommandReply> {
    const query = queryOf(interaction);
    deps.sources.precheck(query);
    return playRequest(
      {
        actor: actorOf(interaction, deps),
        deps,
        textChannelId: interaction.channelId,
        placement: placementOf(interaction.options.getString('position')),
        after,
        edit: (content) => interaction.editReply(finalise(content)).then(() => undefined),
      },
      query,
    );
  },
};

/**
 * Who asks `/play` and where the answer goes: the slash command and the web API build one of these, so both
 * follow exactly the same rules (voice channel, following, DJ rules for `now`, queue limits).
 */
export interface PlayRequest {
  readonly actor: Actor;
  readonly deps: CommandDeps;
  /** Where the session's notices go when it starts here. */
  readonly textChannelId: string;
  readonly placement: Placement;
  /** Runs a task once the answer has been given (a playlist filling in behind). */
  readonly after: (task: () => Promise<void>) => void;
  /** Replaces the answer (playlist progress); the web's answer is already sent, so it ignores this. */
  readonly edit: (content: string) => Promise<void>;
}

/** `/play query` for `request.actor`: resolves, joins, queues; returns the reply text or throws a UserError. */
export async function playRequest(request: PlayRequest, query: Query): Promise<string> {
  const { actor, deps, placement } = request;
  const channel = actorVoiceChannel(actor);
  const existing = followOrRefuse(deps.sessions.get(actor.guildId), channel.id);
  if (!existing) assertCanJoin(channel);
  if (existing && placement === 'now') await assertMayReplaceCurrent(actor);

  const { session, load, settings } = await resolveAndJoin(request, query, channel.id, existing === undefined);
  const { requester, limited, result } = await enqueueWithinLimits(
    { session, actor, settings, placement, isNew: !existing },
    tracksOf(load),
  );
  const told = await describe(load, limited, result, deps.clock);
  const headline = told.text + standInNote(query, limited.accepted[0], told.servedBy);
  if (load.kind === 'playlist')
    request.after(() =>
      fillPlaylist(load, { edit: request.edit, session, requester, settings, headline, clock: deps.clock }),
    );
  return load.kind === 'playlist' ? `${headline}\n⏳ Loading the rest of **${escapeText(load.title)}**…` : headline;
}

/** Where `enqueueWithinLimits` queues: the session, who asks, the guild's limits, and whether it just started. */
export interface Enqueueing {
  readonly session: GuildSession;
  readonly actor: Actor;
  readonly settings: GuildSettings;
  readonly placement: Placement;
  /** The session was started by this request: it is left again when nothing is accepted. */
  readonly isNew: boolean;
}

/**
 * Queues what the guild's limits accept of `tracks` (`/play` and `/playlist load` alike); nothing accepted is
 * the limits' UserError.
 */
export async function enqueueWithinLimits(
  e: Enqueueing,
  tracks: readonly Track[],
): Promise<{ requester: { id: string; name: string }; limited: LimitedTracks; result: EnqueueResult }> {
  const { session } = e;
  const requester = { id: e.actor.member.id, name: e.actor.member.displayName };
  const queueFacts = {
    upcoming: session.queue.length,
    byRequester: session.queue.countBy(requester.id),
    has: (id: string) => session.queue.has(id),
  };
  const limited = applyQueueLimits(tracks, queueFacts, e.settings);
  try {
    assertSomethingAccepted(limited, e.settings);
  } catch (error) {
    if (e.isNew) leaveIfUnused(session);
    throw error;
  }
  return { requester, limited, result: await session.enqueue(limited.accepted, requester, e.placement) };
}

/**
 * A bot that is playing belongs to its listeners: `/play` from another channel is refused. An idle bot with an
 * empty queue just follows whoever asks (its old session ends, a new one starts in the member's channel).
 */
export function followOrRefuse(existing: GuildSession | undefined, channelId: string): GuildSession | undefined {
  if (!existing || existing.voiceChannelId === channelId) return existing;
  if (existing.state.status !== 'idle' || existing.queue.length > 0)
    throw notSameChannel(existing.voiceChannelId, 'add music');
  existing.destroy('left');
  return undefined;
}

interface Joined {
  readonly session: GuildSession;
  readonly load: PlaylistLoad;
  readonly settings: GuildSettings;
}

/**
 * Resolves and joins at the same time: the join's round trips hide behind the source's. Playlists come back
 * with their first track ready and the rest to be loaded in the background.
 */
async function resolveAndJoin(request: PlayRequest, query: Query, channelId: string, isNew: boolean): Promise<Joined> {
  const { deps } = request;
  const guildId = request.actor.guildId;
  const settings = await deps.settings.get(guildId);
  const queued = (key: string) => deps.sessions.get(guildId)?.queue.has(key) ?? false;
  const [resolved, joined] = await Promise.allSettled([
    deps.sources.resolvePlaylist(query, {
      signal: AbortSignal.timeout(RESOLVE_TIMEOUT_MS),
      existingKeys: queued,
      allowDuplicates: settings.allowDuplicates,
      cap: settings.maxQueueLength,
    }),
    deps.sessions.acquire(guildId, channelId, { textChannelId: request.textChannelId }),
  ]);
  if (resolved.status === 'rejected') {
    if (isNew && joined.status === 'fulfilled') leaveIfUnused(joined.value);
    throw resolved.reason;
  }
  if (joined.status === 'rejected') throw joined.reason;
  return { session: joined.value, load: resolved.value, settings };
}

/** The query text, or the attached file (an attachment wins: it is the more deliberate choice). */
function queryOf(interaction: CommandContext['interaction']): Query {
  const file = interaction.options.getAttachment('file');
  if (!file) return parseQuery(interaction.options.getString('query'));
  if (!URL.canParse(file.url)) throw new UserError('BAD_URL');
  return {
    kind: 'attachment',
    url: new URL(file.url),
    name: file.name,
    size: file.size,
    ...(file.contentType ? { contentType: file.contentType } : {}),
  };
}

const placementOf = (value: string | null): Placement => (value === 'next' || value === 'now' ? value : 'end');

/** "Now" skips the current track for everyone, so it follows the rules of an immediate `/skip`. */
export async function assertMayReplaceCurrent(actor: Actor): Promise<void> {
  const { session, facts } = await controlContext(actor);
  const state = session.state;
  if (!isActive(state)) return;
  if (decideSkip({ ...facts, currentRequesterId: state.entry.requester.id }) !== 'direct') {
    throw denials.notDj('replace the current track', facts.djRoleId);
  }
}

function tracksOf(load: PlaylistLoad): readonly Track[] {
  if (load.first.length === 0) throw new UserError('PLAYLIST_EMPTY');
  return load.first;
}

export function leaveIfUnused(session: GuildSession): void {
  if (session.state.status === 'idle' && session.queue.length === 0) session.destroy('stopped');
}

/**
 * Searches go to YouTube; a SoundCloud result for one means YouTube refused this server and SoundCloud stood in
 * (see resolver/create-sources.ts), which the member is told. The same for a Spotify/Deezer track that started
 * from its SoundCloud match (`servedBy`); one only queued is matched when it plays, so nothing is known yet.
 */
function standInNote(query: Query, first: Track | undefined, servedBy: SourceName | undefined): string {
  const searched = query.kind === 'search' && first?.source === 'soundcloud';
  const matched = servedBy === 'soundcloud' && first !== undefined && first.source !== 'soundcloud';
  return searched || matched ? `\n${renderNote('FROM_SOUNDCLOUD')}` : '';
}

/** The headline, and which source really played the first track when it started from a stand-in. */
async function describe(
  load: PlaylistLoad,
  limited: LimitedTracks,
  result: EnqueueResult,
  clock: Clock,
): Promise<{ text: string; servedBy?: SourceName }> {
  const tracks = limited.accepted;
  const first = tracks[0] as Track;
  const length = trackLength(first);
  const name = `**${escapeText(first.title)}**${length ? ` \`${length}\`` : ''}`;
  const more = load.kind === 'playlist' && tracks.length > 1 ? ` (+${tracks.length - 1} more)` : '';
  const leftOut = describeLeftOut(limited);
  if (!result.started) return { text: `➕ Queued ${name} at position #${result.position ?? 1}${more}${leftOut}` };
  const outcome = await Promise.race([
    result.started,
    new Promise<undefined>((resolve) => clock.setTimeout(() => resolve(undefined), START_WAIT_MS).unref?.()),
  ]);
  if (outcome && !outcome.ok) throw outcome.error;
  const text = `▶️ Started ${name}${more}${leftOut}`;
  return outcome?.servedBy ? { text, servedBy: outcome.servedBy } : { text };
}
