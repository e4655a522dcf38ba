import { UserError } from '../core/errors.js';
import { escapeText, plural } from '../core/format.js';
import { LOOP_MODES, type LoopMode } from '../core/queue.js';
import type { QueuedTrack } from '../core/track.js';
import { controlContext, guardedControl, type Actor } from './control-guard.js';
import { denials } from './denials.js';
import { decideSkip } from './permissions.js';
import type { GuildSession } from '../session/guild-session.js';
import { isActive } from '../session/session-state.js';

/**
 * The player actions that both slash commands and now-playing buttons trigger, with the permission rules
 * applied in one place. Each returns the text to show; refusals are thrown as UserErrors.
 */

export const LOOP_LABELS: Readonly<Record<LoopMode, string>> = { off: 'off', track: 'this track', queue: 'the queue' };

const bold = (entry: QueuedTrack): string => `**${escapeText(entry.title)}**`;

/** Pauses when playing, resumes when paused (the button toggles; the commands call pause/resume directly). */
export async function togglePause(actor: Actor): Promise<string> {
  const { session } = await controlContext(actor);
  if (session.state.status === 'paused') {
    const entry = await session.resume();
    return `▶️ Resumed ${bold(entry)}.`;
  }
  const entry = await session.pause();
  return `⏸️ Paused ${bold(entry)}. Use /resume to continue.`;
}

export interface SkipOutcome {
  /** `voted`: a vote was counted but has not passed; `already-voted`: nothing changed. */
  readonly kind: 'skipped' | 'voted' | 'already-voted';
  readonly text: string;
}

/**
 * `/skip [count]` and the skip button: immediate for those allowed (see permissions.ts), otherwise a vote on
 * the current track that skips it once enough listeners agree. Votes can only skip the one current track.
 */
export async function skipOrVote(actor: Actor, count = 1): Promise<SkipOutcome> {
  const { session, settings, facts } = await controlContext(actor);
  const state = session.state;
  if (!isActive(state)) throw new UserError('NOTHING_PLAYING');
  const decision = decideSkip({ ...facts, currentRequesterId: state.entry.requester.id });
  if (decision === 'direct') return { kind: 'skipped', text: await skipNow(actor, session, count) };
  if (count !== 1) throw denials.notDj('skip several tracks at once', facts.djRoleId);
  const entry = state.entry;
  const result = actor.deps.votes.vote(
    session,
    entry.entryId,
    actor.member.id,
    facts.listenerIds,
    settings.voteSkipShare,
  );
  const tally = `${result.votes}/${result.needed} votes`;
  if (!result.passed) {
    const who = escapeText(actor.member.displayName, 40);
    if (!result.counted)
      return { kind: 'already-voted', text: `🗳️ You already voted to skip ${bold(entry)}: ${tally}.` };
    return { kind: 'voted', text: `🗳️ ${who} voted to skip ${bold(entry)}: ${tally}.` };
  }
  if (session.queue.current?.entryId !== entry.entryId)
    return { kind: 'skipped', text: `⏭️ ${bold(entry)} already ended.` };
  return { kind: 'skipped', text: `🗳️ Vote passed (${tally}). ${await skipNow(actor, session, 1)}` };
}

async function skipNow(actor: Actor, session: GuildSession, count: number): Promise<string> {
  const skipped = await session.skip(count);
  actor.deps.votes.reset(session);
  const next = session.queue.current;
  const first = skipped[0];
  const what = first
    ? skipped.length > 1
      ? `${bold(first)} and ${skipped.length - 1} more`
      : bold(first)
    : 'the track';
  return next ? `⏭️ Skipped ${what}. Up now: ${bold(next)}` : `⏭️ Skipped ${what}. The queue is empty now.`;
}

/** Stops playback and clears the queue (the bot stays in the channel until it is idle long enough). */
export async function stopPlayback(actor: Actor): Promise<string> {
  const { session } = await guardedControl(actor, 'stop playback');
  await session.stop();
  return '⏹️ Stopped and cleared the queue.';
}

/** Sets the loop mode, or with no mode moves to the next one (off → track → queue → off), for the button. */
export async function setLoopMode(actor: Actor, mode?: LoopMode): Promise<string> {
  const { session } = await guardedControl(actor, 'change looping');
  const next = mode ?? LOOP_MODES[(LOOP_MODES.indexOf(session.queue.loop) + 1) % LOOP_MODES.length] ?? 'off';
  await session.setLoop(next);
  return next === 'off' ? '➡️ Looping is off.' : `🔁 Looping ${LOOP_LABELS[next]}.`;
}

/** Shuffles what is upcoming; the current track keeps playing. */
export async function shuffleQueue(actor: Actor): Promise<string> {
  const { session } = await guardedControl(actor, 'shuffle the queue');
  const count = await session.editQueue((queue) => {
    if (queue.length === 0) throw new UserError('QUEUE_EMPTY');
    queue.shuffle();
    return queue.length;
  });
  return `🔀 Shuffled ${plural(count, 'upcoming track')}.`;
}
