import { denials } from '../controls/denials.js';
import {
  ButtonStyle,
  ComponentType,
  InteractionContextType,
  SlashCommandBuilder,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
} from 'discord.js';
import { UserError } from '../core/errors.js';
import { escapeText, trackLength } from '../core/format.js';
import { plainTrack } from '../core/saved-playlist.js';
import type { QueuedTrack } from '../core/track.js';
import type { ButtonHandler } from './buttons.js';
import type { CommandContext, CommandReply, SlashCommand } from './command.js';
import { applyQueueLimits, assertSomethingAccepted } from './play-limits.js';

export const HISTORY_PREFIX = 'history';
/** Lines shown, and how many of the most recent get a requeue button (two rows of five). */
const SHOWN = 25;
const WITH_BUTTONS = 10;

/** `/history`: what this server played last (the session's history, most recent first), with requeue buttons. */
export const historyCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('history')
    .setDescription('Show what was played recently in this server, with buttons to queue it again')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),

  async execute({ interaction, deps }: CommandContext): Promise<CommandReply> {
    const history = [...(deps.sessions.get(interaction.guildId)?.queue.history ?? [])].reverse().slice(0, SHOWN);
    if (history.length === 0) return '📭 Nothing has been played here yet in this session.';
    const lines = history.map((entry, i) => {
      const length = trackLength(entry);
      return `\`${i + 1}.\` ${escapeText(entry.title, 80)}${length ? ` \`${length}\`` : ''} · ${escapeText(entry.requester.name, 40)}`;
    });
    return {
      content: ['🕘 **Recently played** (most recent first):', ...lines, '', '-# ↩ queues a track again.'].join('\n'),
      components: buttonRows(interaction.guildId, history.slice(0, WITH_BUTTONS)),
    };
  },
};

function buttonRows(
  guildId: string,
  entries: readonly QueuedTrack[],
): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  const rows: APIActionRowComponent<APIComponentInMessageActionRow>[] = [];
  for (let start = 0; start < entries.length; start += 5) {
    rows.push({
      type: ComponentType.ActionRow,
      components: entries.slice(start, start + 5).map((entry, i) => ({
        type: ComponentType.Button,
        style: ButtonStyle.Secondary,
        label: `↩ ${start + i + 1}`,
        custom_id: `${HISTORY_PREFIX}:${guildId}:${entry.entryId}`,
      })),
    });
  }
  return rows;
}

/** `history:<guildId>:<entryId>`: queues that entry again for whoever pressed, under the server's limits. */
export const historyButtons: ButtonHandler = {
  prefix: HISTORY_PREFIX,

  async execute({ interaction, deps, args }) {
    const [guildId, entryText] = args;
    const entryId = Number(entryText);
    if (guildId !== interaction.guildId || !Number.isInteger(entryId)) throw new UserError('FOREIGN_BUTTON');
    const session = deps.sessions.get(guildId);
    const entry = session?.queue.history.find((e) => e.entryId === entryId);
    if (!session || !entry) throw new UserError('HISTORY_ENTRY_GONE');
    if (interaction.member.voice.channelId !== session.voiceChannelId)
      throw denials.notSameChannel(session.voiceChannelId, 'queue from the history');
    const settings = await deps.settings.get(guildId);
    const requester = { id: interaction.user.id, name: interaction.member.displayName };
    const queue = session.queue;
    const limited = applyQueueLimits(
      [plainTrack(entry)],
      { upcoming: queue.length, byRequester: queue.countBy(requester.id), has: (id) => queue.has(id) },
      settings,
    );
    assertSomethingAccepted(limited, settings);
    const result = await session.enqueue(limited.accepted, requester, 'end');
    const where = result.started ? 'it plays now' : `position #${result.position ?? 1}`;
    return { notice: `➕ Queued **${escapeText(entry.title, 80)}** again (${where}).` };
  },
};
