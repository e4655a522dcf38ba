import type { Clock, TimerHandle } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { KeyValueStore } from '../ports/store.js';
import type { GuildSession, SessionSnapshot } from './guild-session.js';
import type { SessionManager } from './session-manager.js';

const PREFIX = 'session:';
/** Where a snapshot that cannot be resumed is moved (kept a week for the owner to look at), out of the way. */
const QUARANTINE_PREFIX = 'session-quarantine:';
const QUARANTINE_TTL_MS = 7 * 24 * 3_600_000;
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

  /** Every saved snapshot that has a snapshot's shape; any other value under the prefix is quarantined. */
  async loadAll(): Promise<SessionSnapshot[]> {
    const keys = await this.store.keys(PREFIX).catch(() => []);
    const values = await Promise.all(keys.map((k) => this.store.get<unknown>(k).catch(() => undefined)));
    const snapshots: SessionSnapshot[] = [];
    for (const [i, value] of values.entries()) {
      const key = keys[i] as string;
      if (isSnapshotShaped(value) && PREFIX + value.guildId === key) snapshots.push(value);
      else if (value !== undefined) await this.quarantine(key.slice(PREFIX.length), value);
    }
    return snapshots;
  }

  /** Moves a snapshot that cannot be resumed out of the way, so it never stops a later start again. */
  async quarantine(guildId: string, value: unknown): Promise<void> {
    this.logger.warn({ guildId }, 'saved session cannot be resumed; quarantined');
    await this.store.set(QUARANTINE_PREFIX + guildId, value, QUARANTINE_TTL_MS).catch(() => undefined);
    await this.forget(guildId);
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

/** Enough of a snapshot's shape to try resuming it (the queue itself is checked by `Queue.restore`). */
function isSnapshotShaped(value: unknown): value is SessionSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['guildId'] === 'string' &&
    typeof v['voiceChannelId'] === 'string' &&
    typeof v['textChannelId'] === 'string' &&
    typeof v['queue'] === 'object' &&
    v['queue'] !== null
  );
}
