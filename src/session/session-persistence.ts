import type { Clock, TimerHandle } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { KeyValueStore } from '../ports/store.js';
import type { GuildSession, SessionSnapshot } from './guild-session.js';
import type { SessionManager } from './session-manager.js';

const PREFIX = 'session:';
/** While playing, the position is saved this often: a SIGKILL loses at most this much. */
export const CHECKPOINT_MS = 5000;

/**
 * Keeps every session's queue, position and volume in the store so a restart (graceful or SIGKILL) resumes
 * near where it was. Saves on every change (coalesced per tick) and checkpoints positions periodically. A
 * session that ends for a reason other than shutdown is forgotten: the user stopped it, or it was kicked.
 */
export class SessionPersistence {
  private timer: TimerHandle | undefined;
  private readonly dirty = new Set<GuildSession>();

  constructor(
    private readonly store: KeyValueStore,
    private readonly sessions: SessionManager,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.sessions.on('created', (session) => {
      session.on('changed', () => this.markDirty(session));
      session.on('stateChange', () => this.markDirty(session));
      this.markDirty(session);
    });
    this.sessions.on('ended', (session, reason) => {
      this.dirty.delete(session);
      if (reason !== 'shutdown') void this.store.delete(PREFIX + session.guildId).catch(() => undefined);
    });
    this.schedule();
  }

  stop(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Saves every live session now (graceful shutdown). */
  async saveAll(): Promise<void> {
    await Promise.all(this.sessions.all().map((s) => this.save(s)));
  }

  async loadAll(): Promise<SessionSnapshot[]> {
    const keys = await this.store.keys(PREFIX).catch(() => []);
    const snapshots = await Promise.all(keys.map((k) => this.store.get<SessionSnapshot>(k).catch(() => undefined)));
    return snapshots.filter((s): s is SessionSnapshot => s !== undefined && typeof s.guildId === 'string');
  }

  forget(guildId: string): Promise<boolean> {
    return this.store.delete(PREFIX + guildId).catch(() => false);
  }

  private markDirty(session: GuildSession): void {
    if (this.dirty.has(session)) return;
    this.dirty.add(session);
    queueMicrotask(() => {
      if (!this.dirty.delete(session)) return;
      void this.save(session);
    });
  }

  private async save(session: GuildSession): Promise<void> {
    if (session.state.status === 'destroyed') return;
    try {
      await this.store.set(PREFIX + session.guildId, session.snapshot());
    } catch (error) {
      this.logger.warn({ err: error, guildId: session.guildId }, 'could not save session');
    }
  }

  private schedule(): void {
    this.timer = this.clock.setTimeout(() => {
      for (const session of this.sessions.all()) if (session.state.status === 'playing') void this.save(session);
      this.schedule();
    }, CHECKPOINT_MS);
    this.timer.unref?.();
  }
}
