import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { UserError } from '../core/errors.js';
import { escapeText, trackLength } from '../core/format.js';
import { MAX_QUERY_LENGTH, parseQuery } from '../core/query.js';
import type { Track } from '../core/track.js';
import { actorOf, controlContext, type Actor } from '../discord/control-guard.js';
import { denials } from '../discord/denials.js';
import { decideSkip } from '../discord/permissions.js';
import { assertCanJoin, memberVoiceChannel } from '../discord/preconditions.js';
import type { Query, Resolution } from '../ports/source.js';
import type { EnqueueResult, GuildSession } from '../session/guild-session.js';
import { isActive } from '../session/session-state.js';
import type { GuildSettings } from '../settings/guild-settings.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';
import { applyQueueLimits, assertSomethingAccepted, describeLeftOut, type LimitedTracks } from './play-limits.js';

const RESOLVE_TIMEOUT_MS = 30_000;
/** How long `/play` waits for the first track to actually start before replying anyway. */
const START_WAIT_MS = 15_000;

type Placement = 'end' | 'next' | 'now';

export const playCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('play')
    .setDescription('Play a song or stream, or add it to the queue')
    .setContexts(InteractionContextType.Guild)
    .addStringOption((option) =>
      option.setName('query').setDescription('A link to an audio file or stream').setRequired(true).setMaxLength(MAX_QUERY_LENGTH),
    )
    .addStringOption((option) =>
      option
        .setName('position')
        .setDescription('Where to put it (default: the end of the queue)')
        .addChoices({ name: 'next (after the current track)', value: 'next' }, { name: 'now (replace the current track)', value: 'now' }),
    )
    .toJSON(),

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const query = parseQuery(interaction.options.getString('query'));
    const placement = placementOf(interaction.options.getString('position'));
    const channel = memberVoiceChannel(interaction);
    const existing = followOrRefuse(deps.sessions.get(interaction.guildId), channel.id);
    if (!existing) assertCanJoin(channel);
    if (existing && placement === 'now') await assertMayReplaceCurrent(actorOf(interaction, deps));

    const { session, resolution, settings } = await resolveAndJoin(interaction, deps, query, channel.id, existing === undefined);
    const requester = { id: interaction.user.id, name: interaction.member.displayName };
    const queueFacts = { upcoming: session.queue.length, byRequester: session.queue.countBy(requester.id), has: (id: string) => session.queue.has(id) };
    const limited = applyQueueLimits(tracksOf(resolution), queueFacts, settings);
    try {
      assertSomethingAccepted(limited, settings);
    } catch (error) {
      if (!existing) leaveIfUnused(session);
      throw error;
    }
    const result = await session.enqueue(limited.accepted, requester, placement);
    return describe(resolution, limited, result);
  },
};

/**
 * A bot that is playing belongs to its listeners: `/play` from another channel is refused. An idle bot with an
 * empty queue just follows whoever asks (its old session ends, a new one starts in the member's channel).
 */
function followOrRefuse(existing: GuildSession | undefined, channelId: string): GuildSession | undefined {
  if (!existing || existing.voiceChannelId === channelId) return existing;
  if (existing.state.status !== 'idle' || existing.queue.length > 0) throw new UserError('NOT_SAME_CHANNEL');
  existing.destroy('left');
  return undefined;
}

interface Joined {
  readonly session: GuildSession;
  readonly resolution: Resolution;
  readonly settings: GuildSettings;
}

/** Resolves and joins at the same time: the join's round trips hide behind the source's. */
async function resolveAndJoin(
  interaction: CommandContext['interaction'],
  deps: CommandContext['deps'],
  query: Query,
  channelId: string,
  isNew: boolean,
): Promise<Joined> {
  const [resolved, joined, settings] = await Promise.allSettled([
    deps.sources.resolve(query, AbortSignal.timeout(RESOLVE_TIMEOUT_MS)),
    deps.sessions.acquire(interaction.guildId, channelId, { textChannelId: interaction.channelId }),
    deps.settings.get(interaction.guildId),
  ]);
  const failure = [resolved, settings].find((r) => r.status === 'rejected');
  if (failure) {
    if (isNew && joined.status === 'fulfilled') leaveIfUnused(joined.value);
    throw failure.reason;
  }
  if (joined.status === 'rejected') throw joined.reason;
  return { session: joined.value, resolution: (resolved as PromiseFulfilledResult<Resolution>).value, settings: (settings as PromiseFulfilledResult<GuildSettings>).value };
}

const placementOf = (value: string | null): Placement => (value === 'next' || value === 'now' ? value : 'end');

/** "Now" skips the current track for everyone, so it follows the rules of an immediate `/skip`. */
async function assertMayReplaceCurrent(actor: Actor): Promise<void> {
  const { session, facts } = await controlContext(actor);
  const state = session.state;
  if (!isActive(state)) return;
  if (decideSkip({ ...facts, currentRequesterId: state.entry.requester.id }) !== 'direct') {
    throw denials.notDj('replace the current track');
  }
}

function tracksOf(resolution: Resolution): readonly Track[] {
  const tracks = resolution.kind === 'track' ? [resolution.track] : resolution.tracks;
  if (tracks.length === 0) throw new UserError('NOT_AUDIO', 'That playlist has nothing I can play.');
  return tracks;
}

function leaveIfUnused(session: GuildSession): void {
  if (session.state.status === 'idle' && session.queue.length === 0) session.destroy('stopped');
}

async function describe(resolution: Resolution, limited: LimitedTracks, result: EnqueueResult): Promise<string> {
  const tracks = limited.accepted;
  const first = tracks[0] as Track;
  const length = trackLength(first);
  const name = `**${escapeText(first.title)}**${length ? ` \`${length}\`` : ''}`;
  const more = resolution.kind === 'playlist' ? ` (+${tracks.length - 1} more from **${escapeText(resolution.title)}**)` : '';
  const leftOut = describeLeftOut(limited);
  if (!result.started) return `➕ Queued ${name} at position #${result.position ?? 1}${more}${leftOut}`;
  const outcome = await Promise.race([
    result.started,
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), START_WAIT_MS).unref()),
  ]);
  if (outcome && !outcome.ok) throw outcome.error;
  return `▶️ Now playing ${name}${more}${leftOut}`;
}
