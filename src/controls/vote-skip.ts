import type { GuildSession } from '../session/guild-session.js';
import { tallyVotes, type VoteTally } from './permissions.js';

interface Ballot {
  readonly entryId: number;
  readonly voters: Set<string>;
}

export interface VoteResult extends VoteTally {
  /** False when this member had already voted for this track. */
  readonly counted: boolean;
}

/**
 * Skip votes, one ballot per session for the track playing. One instance is built in the composition root and
 * reaches commands and now-playing buttons through their deps; ballots are weakly keyed by session, so a
 * destroyed session's votes go with it. A ballot belongs to one queue entry and is cleared whenever a track starts
 * from the beginning (the next track, a replay in track loop, `/previous`), so votes never carry over.
 */
export class VoteSkips {
  private readonly ballots = new WeakMap<GuildSession, Ballot>();
  private readonly watched = new WeakSet<GuildSession>();

  /** Records `userId`'s vote against entry `entryId` and tallies it against the current listeners. */
  vote(
    session: GuildSession,
    entryId: number,
    userId: string,
    listenerIds: readonly string[],
    share: number,
  ): VoteResult {
    this.watch(session);
    let ballot = this.ballots.get(session);
    if (!ballot || ballot.entryId !== entryId) {
      ballot = { entryId, voters: new Set() };
      this.ballots.set(session, ballot);
    }
    const counted = !ballot.voters.has(userId);
    ballot.voters.add(userId);
    const tally = tallyVotes(ballot.voters, listenerIds, share);
    if (tally.passed) this.ballots.delete(session);
    return { ...tally, counted };
  }

  /** Forgets the session's ballot (the track changed, or it was skipped another way). */
  reset(session: GuildSession): void {
    this.ballots.delete(session);
  }

  private watch(session: GuildSession): void {
    if (this.watched.has(session)) return;
    this.watched.add(session);
    session.on('trackStart', (_entry, offsetMs) => {
      if (offsetMs === 0) this.reset(session);
    });
  }
}
