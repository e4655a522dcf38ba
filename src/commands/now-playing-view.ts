import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIComponentInMessageActionRow,
  type APIEmbed,
} from 'discord.js';
import { FILTER_LABELS } from '../core/audio-filter.js';
import { nowPlayingEmbed, type NowPlayingFacts } from './now-playing-embed.js';
import { escapeText, loopPhrase, playbackProgress, trackLength } from '../core/format.js';
import type { GuildSession } from '../session/guild-session.js';
import { isActive } from '../session/session-state.js';

/** The now-playing buttons. Their custom ids are `np:<action>:<guildId>:<entryId>`. */
export const NOW_PLAYING_ACTIONS = ['pause', 'skip', 'stop', 'loop', 'shuffle'] as const;
export type NowPlayingAction = (typeof NOW_PLAYING_ACTIONS)[number];

export const NOW_PLAYING_PREFIX = 'np';

export interface NowPlayingView {
  readonly content: string;
  readonly embeds: APIEmbed[];
  readonly components: APIActionRowComponent<APIComponentInMessageActionRow>[];
}

/** What the session itself does not know: per-session switches kept elsewhere (autoplay, filters). */
export type NowPlayingExtras = Pick<NowPlayingFacts, 'autoplay' | 'filter'>;

/**
 * The entry id in the custom id ties the buttons to the track they were drawn for: a press on an old message
 * must not skip whatever happens to be playing now.
 */
export function nowPlayingCustomId(action: NowPlayingAction, guildId: string, entryId: number): string {
  return `${NOW_PLAYING_PREFIX}:${action}:${guildId}:${entryId}`;
}

/**
 * The message for what the session plays now: a one-glance text (kept for clients and readers that hide
 * embeds), the now-playing card, and the control buttons; `null` when nothing plays.
 */
export function renderNowPlaying(session: GuildSession, extras: NowPlayingExtras = {}): NowPlayingView | null {
  const state = session.state;
  if (!isActive(state)) return null;
  const entry = state.entry;
  const elapsed = session.elapsedMs();
  const next = session.queue.at(0);
  const volume = Math.round(session.volume * 100);
  const filter = session.filter === 'off' ? '' : ` · filter: ${FILTER_LABELS[session.filter]}`;
  const length = trackLength(entry);
  const content = [
    `${state.status === 'paused' ? '⏸️ Paused' : '🎶 Now playing'}: **${escapeText(entry.title)}**${length ? ` \`${length}\`` : ''}`,
    playbackProgress(elapsed, entry),
    `Requested by ${escapeText(entry.requester.name, 40)} · ${loopPhrase(session.queue.loop)} · volume ${volume}%${filter}`,
    next ? `Next up: ${escapeText(next.title, 80)}` : 'Nothing queued after this.',
  ].join('\n');
  const embed = nowPlayingEmbed({
    entry,
    paused: state.status === 'paused',
    elapsedMs: elapsed,
    loop: session.queue.loop,
    volumePercent: volume,
    next,
    upcoming: session.queue.length,
    ...extras,
  });
  return {
    content,
    embeds: [embed],
    components: [controlRow(session.guildId, entry.entryId, state.status === 'paused', session.queue.loop)],
  };
}

function controlRow(
  guildId: string,
  entryId: number,
  paused: boolean,
  loop: string,
): APIActionRowComponent<APIComponentInMessageActionRow> {
  const button = (action: NowPlayingAction, label: string, style: ButtonStyle): APIButtonComponentWithCustomId => ({
    type: ComponentType.Button,
    custom_id: nowPlayingCustomId(action, guildId, entryId),
    label,
    style: style as APIButtonComponentWithCustomId['style'],
  });
  return {
    type: ComponentType.ActionRow,
    components: [
      paused ? button('pause', '▶️ Resume', ButtonStyle.Success) : button('pause', '⏸️ Pause', ButtonStyle.Secondary),
      button('skip', '⏭️ Skip', ButtonStyle.Primary),
      button('stop', '⏹️ Stop', ButtonStyle.Danger),
      button('loop', `🔁 Loop: ${loop}`, ButtonStyle.Secondary), // the button names the mode a press cycles from
      button('shuffle', '🔀 Shuffle', ButtonStyle.Secondary),
    ],
  };
}
