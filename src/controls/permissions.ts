/**
 * Who may do what with the player. Pure decisions over plain facts (role ids, Manage Server, who is listening)
 * so the rules are unit-tested without Discord; `control-guard.ts` gathers the facts from an interaction.
 *
 * The rules:
 * - With no DJ role configured, every listener is trusted with every control (the server opted out of
 *   restrictions), so skips are immediate too.
 * - With a DJ role, the guarded controls (skip, skip-to, previous, stop, leave, clear, removing others'
 *   tracks, move, shuffle, volume, loop, seek, play-now) need the role or Manage Server, except for a member
 *   alone with the bot: nobody else is affected, so there is nobody to protect.
 * - A `/skip` by someone without DJ rights is immediate when they requested the current track or are alone;
 *   otherwise it is a vote that passes at `voteSkipShare` of the human listeners (at least one vote).
 * - Pause, resume, queueing and removing your own tracks are open to every listener.
 */

export interface MemberFacts {
  readonly userId: string;
  readonly roleIds: readonly string[];
  /** Manage Server, which administrators and the owner always have. */
  readonly manageGuild: boolean;
}

export interface ControlFacts {
  readonly member: MemberFacts;
  readonly djRoleId: string | null;
  /** Human listeners in the bot's voice channel (bots excluded), normally including the member. */
  readonly listenerIds: readonly string[];
}

export type SkipDecision = 'direct' | 'vote';

export interface VoteTally {
  readonly votes: number;
  readonly needed: number;
  readonly passed: boolean;
}

/** DJ rights: Manage Server, the DJ role, or everyone when the server has no DJ role. */
export function hasDjRights(member: MemberFacts, djRoleId: string | null): boolean {
  return member.manageGuild || djRoleId === null || member.roleIds.includes(djRoleId);
}

/** Nobody but the member (and bots) is listening: their controls affect only themselves. */
export function isAloneWithBot(member: MemberFacts, listenerIds: readonly string[]): boolean {
  return listenerIds.every((id) => id === member.userId);
}

/** Whether the member may use a guarded control (see the file comment for the list). */
export function mayUseGuardedControl(facts: ControlFacts): boolean {
  return hasDjRights(facts.member, facts.djRoleId) || isAloneWithBot(facts.member, facts.listenerIds);
}

/** `/skip` (one track): immediate for DJs, the current track's requester and lone listeners; else a vote. */
export function decideSkip(facts: ControlFacts & { readonly currentRequesterId: string | null }): SkipDecision {
  if (mayUseGuardedControl(facts)) return 'direct';
  return facts.currentRequesterId === facts.member.userId ? 'direct' : 'vote';
}

/** Removing tracks: your own always; anyone else's needs guarded-control rights. */
export function mayRemoveTracks(facts: ControlFacts, requesterIds: readonly string[]): boolean {
  return requesterIds.every((id) => id === facts.member.userId) || mayUseGuardedControl(facts);
}

/** Votes needed among `listeners` humans at `share` (0-1]: rounded up, at least one, at most everyone. */
export function votesNeeded(listeners: number, share: number): number {
  const safeShare = Number.isFinite(share) && share > 0 ? Math.min(share, 1) : 0.5;
  // The epsilon keeps 0.3 × 10 from becoming 4 through floating-point error.
  return Math.max(1, Math.ceil(listeners * safeShare - 1e-9));
}

/** Counts only voters still listening (people who voted and left do not count) against the current listeners. */
export function tallyVotes(voterIds: Iterable<string>, listenerIds: readonly string[], share: number): VoteTally {
  const listening = new Set(listenerIds);
  let votes = 0;
  for (const id of voterIds) if (listening.has(id)) votes += 1;
  const needed = votesNeeded(listening.size, share);
  return { votes, needed, passed: votes >= needed };
}
