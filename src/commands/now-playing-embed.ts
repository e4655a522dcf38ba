import type { APIEmbed } from 'discord.js';
import { escapeText, formatDuration, progressBar } from '../core/format.js';
import type { QueuedTrack } from '../core/track.js';

/** Everything the now-playing card shows, as plain data (so any message mechanism can render it). */
export interface NowPlayingFacts {
  readonly entry: QueuedTrack;
  readonly paused: boolean;
  readonly elapsedMs: number;
  readonly loop: string;
  readonly volumePercent: number;
  /** Unknown (undefined) where the caller cannot tell: the field is left out. */
  readonly autoplay?: boolean;
  /** The audio filter in use (issue 14's filters), when the session has one; 'off' otherwise. */
  readonly filter?: string;
  readonly next: QueuedTrack | undefined;
  readonly upcoming: number;
}

const PLAYING_COLOUR = 0x1db954;
const PAUSED_COLOUR = 0x99aab5;

/** Only plain https links become embed links and images (never a user-made javascript: or data: URL). */
const httpsUrl = (url: string | undefined): string | undefined => {
  if (!url || !URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
};

/**
 * The now-playing card: title linked to the source page, artist, artwork, requester, progress, loop /
 * filter / autoplay state and what comes next. Pure; every untrusted text is escaped and clipped to
 * Discord's embed limits (title 256, field values 1024).
 */
export function nowPlayingEmbed(facts: NowPlayingFacts): APIEmbed {
  const { entry } = facts;
  const total = entry.durationMs;
  const progress = `${progressBar(facts.elapsedMs, total)} \`${formatDuration(facts.elapsedMs)} / ${formatDuration(total)}\``;
  const url = httpsUrl(entry.url);
  const thumbnail = httpsUrl(entry.thumbnailUrl);
  const state = [
    `Loop: ${facts.loop}`,
    `Volume: ${facts.volumePercent}%`,
    ...(facts.autoplay === undefined ? [] : [`Autoplay: ${facts.autoplay ? 'on' : 'off'}`]),
    `Filter: ${facts.filter ?? 'off'}`,
  ].join(' · ');
  const next = facts.next
    ? `${escapeText(facts.next.title, 100)}${facts.upcoming > 1 ? ` (+${facts.upcoming - 1} more)` : ''}`
    : 'Nothing queued after this.';
  return {
    author: { name: facts.paused ? '⏸️ Paused' : '🎶 Now playing' },
    title: escapeText(entry.title, 250),
    ...(url ? { url } : {}),
    description: [...(entry.artist ? [`by ${escapeText(entry.artist, 100)}`] : []), progress].join('\n'),
    color: facts.paused ? PAUSED_COLOUR : PLAYING_COLOUR,
    ...(thumbnail ? { thumbnail: { url: thumbnail } } : {}),
    fields: [
      { name: 'Requested by', value: escapeText(entry.requester.name, 80), inline: true },
      { name: 'State', value: state, inline: true },
      { name: 'Next up', value: next, inline: false },
    ],
  };
}
