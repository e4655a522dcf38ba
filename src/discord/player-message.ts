import type { PlayerMessageRegistry } from '../commands/command.js';
import type { GuildSession } from '../session/guild-session.js';
import type { SettingsStore } from '../settings/guild-settings.js';
import type { Logger } from '../ports/logger.js';
import type { Clock } from '../ports/clock.js';
import { isActive } from '../session/session-state.js';
import type { PlayerChannels, PlayerView } from './player-channels.js';
import { renderPlayer } from './player-view.js';

export type { PlayerView } from './player-channels.js';

/** Draws the player message for a session as it is now (content is the renderer's business, not this module's). */
export type RenderPlayer = (session: GuildSession) => PlayerView;

export interface PlayerMessagesDeps {
  readonly channels: PlayerChannels;
  readonly settings: SettingsStore;
  readonly logger: Logger;
  /**
   * Re-post (and delete the old one) when a new track starts and at least this many messages were posted in the
   * channel after the player message; 0 = always edit in place. PLAYER_REPOST_AFTER.
   */
  readonly repostAfter: number;
  readonly clock: Clock;
  /**
   * Least time between two writes to one session's message (default PLAYER_MIN_INTERVAL_MS). A burst of
   * changes (a command that moves the queue several times, tracks that fail one after another) becomes one
   * write at the end of the interval showing the state then, instead of one write per change.
   */
  readonly minIntervalMs?: number;
  readonly render?: RenderPlayer;
}

/**
 * One second: Discord allows about five message edits per five seconds per channel, and a person reading
 * the player cannot tell a change shown at once from one shown within a second.
 */
export const PLAYER_MIN_INTERVAL_MS = 1000;

/** Why a sync runs: `retire` (the session ended) wins over a pending `sync`. */
type Trigger = 'sync' | 'retire';

interface Placed {
  readonly session: GuildSession;
  readonly channelId: string;
  readonly messageId: string;
  /** The entry the message shows; a different one is a track change (the moment a re-post is considered). */
  readonly entryId: number | undefined;
}

/**
 * One player message per session. It is posted when the first track loads and then edited in place as tracks
 * change, playback pauses, the queue changes or the queue runs out; it is re-posted only when the track changes
 * and the old message has scrolled `repostAfter` messages away (or was deleted, or the announce channel moved).
 * When the session ends its buttons are taken off. Work is serialised per session and coalesced (a burst of queue
 * changes is one edit), so edits land in order and the REST rate limit is not spent on redundant redraws.
 * Failures (deleted channel, missing permission) are logged; playback never depends on this message.
 */
export class PlayerMessages implements PlayerMessageRegistry {
  private readonly placed = new Map<string, Placed>();
  private readonly chains = new WeakMap<GuildSession, Promise<void>>();
  private readonly pending = new WeakMap<GuildSession, Trigger>();
  /** When each session's last write started (for the minimum interval). */
  private readonly lastWrite = new WeakMap<GuildSession, number>();
  /** Ends a session's wait for its interval early (its end must not wait). */
  private readonly wake = new WeakMap<GuildSession, () => void>();
  private readonly render: RenderPlayer;

  constructor(private readonly deps: PlayerMessagesDeps) {
    this.render = deps.render ?? renderPlayer;
  }

  /** Call once per session, from the session factory. */
  watch(session: GuildSession): void {
    session.on('trackStart', () => this.request(session, 'sync'));
    session.on('changed', () => this.request(session, 'sync'));
    session.on('stateChange', (_old, next) => {
      if (next.status === 'destroyed') this.request(session, 'retire');
    });
  }

  owns(guildId: string, messageId: string): boolean {
    return this.placed.get(guildId)?.messageId === messageId;
  }

  refresh(session: GuildSession): void {
    this.request(session, 'sync');
  }

  /** Queues a sync unless one not yet started will do the same or more (it renders the state it finds then). */
  private request(session: GuildSession, trigger: Trigger): void {
    const waiting = this.pending.get(session);
    if (waiting !== undefined) {
      if (trigger === 'retire') {
        this.pending.set(session, trigger);
        this.wake.get(session)?.();
      }
      return;
    }
    this.pending.set(session, trigger);
    const run = (this.chains.get(session) ?? Promise.resolve())
      .then(() => this.spaced(session))
      .then(() => {
        const current = this.pending.get(session) ?? trigger;
        this.pending.delete(session);
        this.lastWrite.set(session, this.deps.clock.now());
        return this.sync(session, current);
      })
      .catch((error: unknown) =>
        this.deps.logger.warn({ err: error, guildId: session.guildId }, 'player message failed'),
      );
    this.chains.set(session, run);
  }

  /**
   * Resolves when the session's next write may start: at once the first time or after a quiet interval,
   * else at the end of the interval. Requests that come meanwhile join the one waiting (see `request`);
   * a session ending does not wait, so its buttons come off at once.
   */
  private spaced(session: GuildSession): Promise<void> {
    const last = this.lastWrite.get(session);
    const wait =
      last === undefined ? 0 : last + (this.deps.minIntervalMs ?? PLAYER_MIN_INTERVAL_MS) - this.deps.clock.now();
    if (wait <= 0 || this.pending.get(session) === 'retire') return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.deps.clock.clearTimeout(timer);
        this.wake.delete(session);
        resolve();
      };
      const timer = this.deps.clock.setTimeout(done, wait);
      timer.unref?.();
      this.wake.set(session, done);
    });
  }

  private async sync(session: GuildSession, trigger: Trigger): Promise<void> {
    const placed = this.mine(session);
    if (trigger === 'retire' || session.state.status === 'destroyed') return this.retire(placed);
    const settings = await this.deps.settings.get(session.guildId);
    if (!settings.announceNowPlaying) return this.retire(placed);
    const channelId = settings.announceChannelId ?? session.textChannelId;
    const state = session.state;
    const entryId = isActive(state) ? state.entry.entryId : undefined;
    const view = this.render(session);
    // Only a track (not an idle session) brings a message into being.
    if (!placed) return entryId === undefined ? undefined : this.post(session, channelId, view, entryId);
    const newTrack = entryId !== undefined && entryId !== placed.entryId;
    if (placed.channelId !== channelId || (newTrack && (await this.scrolledAway(placed)))) {
      await this.retire(placed, 'delete');
      return this.post(session, channelId, view, entryId);
    }
    if (await this.deps.channels.edit(placed.channelId, placed.messageId, view)) {
      this.placed.set(session.guildId, { ...placed, entryId });
      return;
    }
    this.placed.delete(session.guildId); // deleted by someone: a new one comes with the next sync that has a track
    if (entryId !== undefined) await this.post(session, channelId, view, entryId);
  }

  private mine(session: GuildSession): Placed | undefined {
    const placed = this.placed.get(session.guildId);
    return placed?.session === session ? placed : undefined;
  }

  private async scrolledAway(placed: Placed): Promise<boolean> {
    if (this.deps.repostAfter <= 0) return false;
    const newer = await this.deps.channels.countNewer(placed.channelId, placed.messageId, this.deps.repostAfter);
    return newer !== undefined && newer >= this.deps.repostAfter;
  }

  private async post(
    session: GuildSession,
    channelId: string,
    view: PlayerView,
    entryId: number | undefined,
  ): Promise<void> {
    const messageId = await this.deps.channels.post(channelId, view);
    if (messageId) this.placed.set(session.guildId, { session, channelId, messageId, entryId });
  }

  /** The session's message stops being the player: deleted when replaced, else left with its buttons off. */
  private async retire(placed: Placed | undefined, how: 'delete' | 'strip' = 'strip'): Promise<void> {
    if (!placed) return;
    if (this.placed.get(placed.session.guildId) === placed) this.placed.delete(placed.session.guildId);
    if (how === 'delete') await this.deps.channels.remove(placed.channelId, placed.messageId);
    else
      await this.deps.channels.edit(placed.channelId, placed.messageId, {
        ...this.render(placed.session),
        components: [],
      });
  }
}
