import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { UserError } from '../core/errors.js';
import { escapeText } from '../core/format.js';
import { lineAt, parseLrc } from '../core/lrc.js';
import type { ButtonHandler } from './buttons.js';
import { NO_MENTIONS } from './reply.js';
import { LYRICS_PREFIX, renderPlain, renderSynced } from './lyrics-view.js';
import type { LyricsRecord } from '../resolver/lyrics-service.js';
import { isActive } from '../session/session-state.js';
import type { CommandContext, CommandDeps, CommandReply, SlashCommand } from './command.js';

const LOOKUP_TIMEOUT_MS = 8000;

/**
 * `/lyrics [query]`: the current track's lyrics (synced ones follow the song in the message), or a search.
 * "No lyrics" is an ordinary answer, not an error.
 */
export const lyricsCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('lyrics')
    .setDescription('Show the lyrics of the current track (they follow the song), or of a search')
    .setContexts(InteractionContextType.Guild)
    .addStringOption((o) =>
      o.setName('query').setDescription('A song to look up instead (title and artist)').setMaxLength(200),
    )
    .toJSON(),

  async execute({ interaction, deps, after }: CommandContext): Promise<CommandReply> {
    const lyrics = enabled(deps);
    const signal = AbortSignal.timeout(LOOKUP_TIMEOUT_MS);
    const query = interaction.options.getString('query')?.trim();
    if (query) {
      const record = await lyrics.service.forQuery(query, signal);
      return record ? answer(record) : `🔇 No lyrics found for **${escapeText(query, 100)}**.`;
    }
    const session = deps.sessions.get(interaction.guildId);
    const state = session?.state;
    if (!session || !state || !isActive(state)) throw new UserError('LYRICS_NEED_QUERY');
    const record = await lyrics.service.forTrack(state.entry, signal);
    if (!record || (!record.synced && !record.plain)) return noLyrics(record, state.entry.title);
    const lines = record.synced ? parseLrc(record.synced) : [];
    if (lines.length === 0) return renderPlain(record, 1);
    const shown = lineAt(lines, session.elapsedMs());
    after(async () => {
      lyrics.followers.follow(session, record, lines, shown, (body) =>
        interaction.editReply({ ...body, allowedMentions: NO_MENTIONS }).then(
          () => true,
          () => false,
        ),
      );
    });
    return renderSynced(record, lines, shown, interaction.guildId);
  },
};

function enabled(deps: CommandDeps): NonNullable<CommandDeps['lyrics']> {
  if (!deps.lyrics) throw new UserError('LYRICS_OFF');
  return deps.lyrics;
}

const answer = (record: LyricsRecord): CommandReply =>
  record.synced || record.plain ? renderPlain(record, 1) : noLyrics(record, record.trackName);

function noLyrics(record: LyricsRecord | null, title: string): string {
  if (record?.instrumental) return `🎼 **${escapeText(record.trackName, 100)}** is an instrumental: no lyrics to show.`;
  return `🔇 No lyrics found for **${escapeText(title, 100)}**. Try \`/lyrics query:<title and artist>\`.`;
}

/** `lyrics:stop:<guildId>` ends following; `lyrics:page:<lrclibId>:<page>` turns a page of plain lyrics. */
export const lyricsButtons: ButtonHandler = {
  prefix: LYRICS_PREFIX,

  async execute({ interaction, deps, args }) {
    const lyrics = enabled(deps);
    const [action, target, pageText] = args;
    if (action === 'stop') {
      if (target !== interaction.guildId) throw new UserError('FOREIGN_BUTTON');
      const body = lyrics.followers.stop(target);
      return body ? { update: body } : { update: { components: [] } };
    }
    const id = Number(target);
    const page = Number(pageText);
    if (action !== 'page' || !Number.isSafeInteger(id) || !Number.isInteger(page))
      throw new UserError('FOREIGN_BUTTON');
    const record = await lyrics.service.byId(id, AbortSignal.timeout(LOOKUP_TIMEOUT_MS));
    if (!record) throw new UserError('LYRICS_GONE');
    return { update: renderPlain(record, page) };
  },
};
