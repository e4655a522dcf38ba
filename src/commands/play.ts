import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { UserError } from '../core/errors.js';
import { escapeText, formatDuration } from '../core/format.js';
import { MAX_QUERY_LENGTH, parseQuery } from '../core/query.js';
import type { Track } from '../core/track.js';
import { assertCanJoin, memberVoiceChannel } from '../discord/preconditions.js';
import type { Resolution } from '../ports/source.js';
import type { EnqueueResult, GuildSession } from '../session/guild-session.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';

const RESOLVE_TIMEOUT_MS = 30_000;
/** How long `/play` waits for the first track to actually start before replying anyway. */
const START_WAIT_MS = 15_000;

export const playCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('play')
    .setDescription('Play a song or stream, or add it to the queue')
    .setContexts(InteractionContextType.Guild)
    .addStringOption((option) =>
      option.setName('query').setDescription('A link to an audio file or stream').setRequired(true).setMaxLength(MAX_QUERY_LENGTH),
    )
    .toJSON(),

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const query = parseQuery(interaction.options.getString('query'));
    const channel = memberVoiceChannel(interaction);
    const existing = deps.sessions.get(interaction.guildId);
    if (existing && existing.voiceChannelId !== channel.id) throw new UserError('NOT_SAME_CHANNEL');
    if (!existing) assertCanJoin(channel);

    // Resolve and join at the same time: the join's round trips hide behind the source's.
    const [resolved, joined] = await Promise.allSettled([
      deps.sources.resolve(query, AbortSignal.timeout(RESOLVE_TIMEOUT_MS)),
      deps.sessions.acquire(interaction.guildId, channel.id, { textChannelId: interaction.channelId }),
    ]);
    if (resolved.status === 'rejected') {
      if (!existing && joined.status === 'fulfilled') leaveIfUnused(joined.value);
      throw resolved.reason;
    }
    if (joined.status === 'rejected') throw joined.reason;
    const tracks = tracksOf(resolved.value);
    const requester = { id: interaction.user.id, name: interaction.member.displayName };
    const result = await joined.value.enqueue(tracks, requester);
    return describe(resolved.value, tracks, result);
  },
};

function tracksOf(resolution: Resolution): readonly Track[] {
  const tracks = resolution.kind === 'track' ? [resolution.track] : resolution.tracks;
  if (tracks.length === 0) throw new UserError('NOT_AUDIO', 'That playlist has nothing I can play.');
  return tracks;
}

function leaveIfUnused(session: GuildSession): void {
  if (session.state.status === 'idle' && session.queue.length === 0) session.destroy('stopped');
}

async function describe(resolution: Resolution, tracks: readonly Track[], result: EnqueueResult): Promise<string> {
  const first = tracks[0] as Track;
  const name = `**${escapeText(first.title)}** \`${formatDuration(first.durationMs)}\``;
  const more = resolution.kind === 'playlist' ? ` (+${tracks.length - 1} more from **${escapeText(resolution.title)}**)` : '';
  if (!result.started) return `➕ Queued ${name} at position #${result.position ?? 1}${more}`;
  const outcome = await Promise.race([
    result.started,
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), START_WAIT_MS).unref()),
  ]);
  if (outcome && !outcome.ok) throw outcome.error;
  return `▶️ Now playing ${name}${more}`;
}
