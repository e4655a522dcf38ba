import { lineAt, type LrcLine } from '../core/lrc.js';
import type { LyricsRecord } from '../resolver/lyrics-service.js';
import type { Clock, TimerHandle } from '../ports/clock.js';
import type { GuildSession } from '../session/guild-session.js';
import { isActive } from '../session/session-state.js';
import { renderSynced, type LyricsBody } from './lyrics-view.js';

/** Edits the lyrics message; false when it is gone (deleted, token expired): following stops. */
export type LyricsEditor = (body: LyricsBody) => Promise<boolean>;

export interface FollowOptions {
  /** At most one edit this often per guild (each edit is a REST call under Discord's rate limits). */
  readonly minEditMs: number;
  /** How often the position is looked at (cheap: memory only). */
  readonly checkEveryMs: number;
  /** Interaction tokens last 15 minutes: the message is edited through one, so following ends before. */
  readonly maxFollowMs: number;
}

export const DEFAULT_FOLLOW: FollowOptions = { minEditMs: 3000, checkEveryMs: 1000, maxFollowMs: 14 * 60_000 };

type StopReason = 'ended' | 'dismissed' | 'replaced' | 'expired' | 'gone';
type FollowerState =
  | {
      readonly status: 'following';
      readonly shown: number;
      readonly lastEditAt: number;
      readonly timer: TimerHandle | undefined;
    }
  | { readonly status: 'stopped'; readonly reason: StopReason };

const NOTES: Record<Exclude<StopReason, 'gone'>, string> = {
  ended: '-# The track ended.',
  dismissed: '-# Stopped following.',
  replaced: '-# Following moved to a newer /lyrics message.',
  expired: '-# Stopped following (this message can no longer be edited).',
};

/**
 * One message following one track's synced lyrics. It reads the session's position (so `/seek`, pauses and
 * restarts are followed without being told), and edits only when the current line changed and at least
 * `minEditMs` after the previous edit. Stops for good when the track is no longer current.
 */
class LyricsFollower {
  private state: FollowerState;
  private readonly startedAt: number;
  private readonly entryId: number;

  constructor(
    private readonly session: GuildSession,
    private readonly record: LyricsRecord,
    private readonly lines: readonly LrcLine[],
    private readonly edit: LyricsEditor,
    private readonly clock: Clock,
    private readonly options: FollowOptions,
    shown: number,
    private readonly onStop: () => void,
  ) {
    const state = session.state;
    this.entryId = isActive(state) ? state.entry.entryId : -1;
    this.startedAt = clock.now();
    this.state = { status: 'following', shown, lastEditAt: clock.now(), timer: undefined };
    this.schedule();
  }

  /** Stops; the final body for whoever updates the message (the dismiss button), or undefined if already stopped. */
  stop(reason: StopReason): LyricsBody | undefined {
    const state = this.state;
    if (state.status === 'stopped') return undefined;
    if (state.timer) this.clock.clearTimeout(state.timer);
    this.state = { status: 'stopped', reason };
    this.onStop();
    return reason === 'gone'
      ? undefined
      : renderSynced(this.record, this.lines, state.shown, this.session.guildId, NOTES[reason]);
  }

  private schedule(): void {
    if (this.state.status !== 'following') return;
    const timer = this.clock.setTimeout(() => void this.tick(), this.options.checkEveryMs);
    timer.unref?.();
    this.state = { ...this.state, timer };
  }

  private async tick(): Promise<void> {
    if (this.state.status !== 'following') return;
    const session = this.session.state;
    if (!isActive(session) || session.entry.entryId !== this.entryId) return this.finish('ended');
    if (this.clock.now() - this.startedAt > this.options.maxFollowMs) return this.finish('expired');
    const index = lineAt(this.lines, this.session.elapsedMs());
    const now = this.clock.now();
    if (index !== this.state.shown && now - this.state.lastEditAt >= this.options.minEditMs) {
      this.state = { ...this.state, shown: index, lastEditAt: now, timer: undefined };
      const ok = await this.edit(renderSynced(this.record, this.lines, index, this.session.guildId));
      if (!ok) return void this.stop('gone');
    }
    this.schedule();
  }

  /** Stops and shows why in the message itself (nobody else will edit it). */
  async finish(reason: 'ended' | 'expired' | 'replaced'): Promise<void> {
    const body = this.stop(reason);
    if (body) await this.edit(body);
  }
}

/** At most one following lyrics message per guild; a newer `/lyrics` takes over. */
export class LyricsFollowers {
  private readonly active = new Map<string, LyricsFollower>();

  constructor(
    private readonly clock: Clock,
    private readonly options: FollowOptions = DEFAULT_FOLLOW,
  ) {}

  follow(
    session: GuildSession,
    record: LyricsRecord,
    lines: readonly LrcLine[],
    shown: number,
    edit: LyricsEditor,
  ): void {
    void this.active.get(session.guildId)?.finish('replaced');
    const follower: LyricsFollower = new LyricsFollower(
      session,
      record,
      lines,
      edit,
      this.clock,
      this.options,
      shown,
      () => {
        if (this.active.get(session.guildId) === follower) this.active.delete(session.guildId);
      },
    );
    this.active.set(session.guildId, follower);
  }

  /** Dismissed: the final body, or undefined when nothing was following in this guild. */
  stop(guildId: string): LyricsBody | undefined {
    return this.active.get(guildId)?.stop('dismissed');
  }

  get size(): number {
    return this.active.size;
  }
}
