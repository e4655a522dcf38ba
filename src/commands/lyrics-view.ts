import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
} from 'discord.js';
import { escapeText } from '../core/format.js';
import { pageLyrics, type LrcLine } from '../core/lrc.js';
import type { LyricsRecord } from '../resolver/lyrics-service.js';

export const LYRICS_PREFIX = 'lyrics';
/** Lines shown before and after the current one. */
const BEFORE = 2;
const AFTER = 3;

export interface LyricsBody {
  readonly content: string;
  readonly components: APIActionRowComponent<APIComponentInMessageActionRow>[];
}

const header = (record: LyricsRecord): string =>
  `🎤 **${escapeText(record.trackName, 100)}**${record.artistName ? ` · ${escapeText(record.artistName, 80)}` : ''}`;
const lineText = (text: string): string => (text.trim() === '' ? '♪' : escapeText(text, 150));

/**
 * Synced lyrics around line `index` (-1: before the first line): the current line highlighted, a few
 * around it. `following` adds the button that stops the message from following the song.
 */
export function renderSynced(
  record: LyricsRecord,
  lines: readonly LrcLine[],
  index: number,
  guildId: string,
  note?: string,
): LyricsBody {
  const from = Math.max(0, Math.min(index - BEFORE, lines.length - BEFORE - AFTER - 1));
  const shown = lines
    .slice(from, Math.max(from + BEFORE + AFTER + 1, index + AFTER + 1))
    .map((line, i) => (from + i === index ? `▶ **${lineText(line.text)}**` : `-# ${lineText(line.text)}`));
  const following = note === undefined;
  const content = [
    header(record),
    '',
    ...(index < 0 ? ['▶ ♪'] : []),
    ...shown,
    '',
    following ? '-# Following the song.' : note,
  ].join('\n');
  return { content, components: following ? [stopRow(guildId)] : [] };
}

function stopRow(guildId: string): APIActionRowComponent<APIComponentInMessageActionRow> {
  return {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.Button,
        style: ButtonStyle.Secondary,
        label: '✖ Stop following',
        custom_id: `${LYRICS_PREFIX}:stop:${guildId}`,
      },
    ],
  };
}

/** Plain lyrics (or synced ones read as text), one page, with ◀ ▶ naming the LRCLIB record and the page. */
export function renderPlain(record: LyricsRecord, requestedPage: number): LyricsBody {
  const text = record.plain ?? (record.synced ?? '').replace(/\[[^\]]*\]/g, '').replace(/^\s+/gm, '');
  const pages = pageLyrics(text);
  const page = Math.min(Math.max(1, Math.floor(requestedPage) || 1), pages.length);
  const body = (pages[page - 1] ?? []).map((line) => (line.trim() === '' ? '' : escapeText(line, 200)));
  const content = [header(record), '', ...body, '', `-# Page ${page}/${pages.length} · lyrics from LRCLIB`].join('\n');
  if (pages.length <= 1) return { content, components: [] };
  const button = (label: string, target: number, disabled: boolean) => ({
    type: ComponentType.Button as const,
    style: ButtonStyle.Secondary as const,
    label,
    custom_id: `${LYRICS_PREFIX}:page:${record.id}:${target}`,
    disabled,
  });
  return {
    content,
    components: [
      {
        type: ComponentType.ActionRow,
        components: [button('◀', page - 1, page <= 1), button('▶', page + 1, page >= pages.length)],
      },
    ],
  };
}
