import { FILTER_LABELS, presetSpeed, type FilterPreset } from '../core/audio-filter.js';
import { UserError } from '../core/errors.js';
import { escapeText, formatDuration, plural } from '../core/format.js';
import type { QueuedTrack } from '../core/track.js';
import { isActive } from '../session/session-state.js';
import { controlContext, guardedControl, type Actor } from './control-guard.js';
import { denials } from './denials.js';
import { mayRemoveTracks } from './permissions.js';

/**
 * The rest of the player actions (see player-actions.ts): what `/pause`, `/resume`, `/previous`, `/seek`,
 * `/volume`, `/filter`, `/move`, `/remove` and `/clear` do, shared with the web API so that a member can do
 * on the web exactly what they could do in Discord, and is refused with the same words.
 */

const bold = (entry: QueuedTrack): string => `**${escapeText(entry.title)}**`;

/** `/pause`: open to every listener (it is undone by anyone with /resume). */
export async function pausePlayback(actor: Actor): Promise<string> {
  const { session } = await controlContext(actor);
  const entry = await session.pause();
  return `⏸️ Paused ${bold(entry)}. Use /resume to continue.`;
}

export async function resumePlayback(actor: Actor): Promise<string> {
  const { session } = await controlContext(actor);
  const entry = await session.resume();
  return `▶️ Resumed ${bold(entry)}.`;
}

/** `/previous`: plays the last played track again; the current one goes back to the front of the queue. */
export async function previousTrack(actor: Actor): Promise<string> {
  const { session } = await guardedControl(actor, 'go back a track');
  const entry = await session.previous();
  return `⏮️ Back to ${bold(entry)}.`;
}

/** `/seek`: `target` turns the elapsed time into the position to jump to (absolute or relative). */
export async function seekTo(actor: Actor, target: (elapsedMs: number) => number): Promise<string> {
  const { session } = await guardedControl(actor, 'seek');
  if (!isActive(session.state)) throw new UserError('NOTHING_PLAYING');
  const ms = target(session.elapsedMs());
  const entry = await session.seek(ms);
  return `⏩ Jumped to \`${formatDuration(ms)}\` in ${bold(entry)}.`;
}

/** `/volume percent` (0-200; 100 keeps Opus passthrough possible). */
export async function setVolumePercent(actor: Actor, percent: number): Promise<string> {
  const { session } = await guardedControl(actor, 'change the volume');
  await session.setVolume(percent);
  return `${percent === 0 ? '🔇' : '🔊'} Volume set to ${percent}%.`;
}

/** `/filter preset`: applies to the playing track within about a second, at the same position. */
export async function setFilterPreset(actor: Actor, preset: FilterPreset): Promise<string> {
  const { session } = await guardedControl(actor, 'change the filter');
  await session.setFilter(preset);
  if (preset === 'off') return '🎛️ Filter off.';
  const speed = presetSpeed(preset);
  return `🎛️ Filter set to ${FILTER_LABELS[preset]}.${speed !== 1 ? ' Positions stay in track time.' : ''}`;
}

/** `/move from to` (1-based upcoming positions, as /queue shows them). */
export async function moveTrack(actor: Actor, from: number | { entryId: number }, to: number): Promise<string> {
  const { session } = await guardedControl(actor, 'move tracks');
  const entry = await session.editQueue((queue) => queue.move(positionOf(queue.upcoming, from), to));
  return `↕️ Moved ${bold(entry)} to position #${to}.`;
}

/**
 * `/remove position|range`. Anyone may remove their own tracks; others' need DJ rights. The check runs inside
 * the queue edit, so it judges exactly the entries that get removed.
 */
export async function removeTracks(
  actor: Actor,
  which: { readonly from: number; readonly to: number } | { readonly entryId: number },
): Promise<string> {
  const { session, facts } = await controlContext(actor);
  const removed = await session.editQueue((queue) => {
    const from = 'entryId' in which ? positionOf(queue.upcoming, which) : which.from;
    const to = 'entryId' in which ? from : which.to;
    const targets = queue.slice(from - 1, to);
    if (
      !mayRemoveTracks(
        facts,
        targets.map((entry) => entry.requester.id),
      )
    )
      throw denials.notDj("remove other people's tracks", facts.djRoleId);
    return from === to ? [queue.remove(from)] : queue.removeRange(from, to);
  });
  const [first] = removed;
  if (removed.length === 1 && first) return `🗑️ Removed ${bold(first)} from the queue.`;
  const span = 'entryId' in which ? '' : ` (positions ${which.from}-${which.to})`;
  return `🗑️ Removed ${removed.length} tracks${span} from the queue.`;
}

/** `/clear`: empties the upcoming queue; the current track plays on. */
export async function clearQueue(actor: Actor): Promise<string> {
  const { session } = await guardedControl(actor, 'clear the queue');
  const removed = await session.editQueue((queue) => {
    if (queue.length === 0) throw new UserError('QUEUE_EMPTY');
    return queue.clear();
  });
  return `🧹 Cleared ${plural(removed.length, 'upcoming track')}.`;
}

/** A 1-based position as given, or the position of an entry by id (QUEUE_ENTRY_GONE when it left the queue). */
function positionOf(upcoming: readonly QueuedTrack[], which: number | { readonly entryId: number }): number {
  if (typeof which === 'number') return which;
  const index = upcoming.findIndex((entry) => entry.entryId === which.entryId);
  if (index < 0) throw new UserError('QUEUE_ENTRY_GONE');
  return index + 1;
}
