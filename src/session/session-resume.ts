import { escapeText, formatDuration } from '../core/format.js';
import type { Clock } from '../ports/clock.js';
import { Queue, type QueueSnapshot } from '../core/queue.js';
import type { Logger } from '../ports/logger.js';
import type { Notifier } from '../ports/notifier.js';
import type { SessionSnapshot } from './guild-session.js';
import type { SessionManager } from './session-manager.js';
import type { SessionPersistence } from './session-persistence.js';

/**
 * The gateway allows ~120 messages a minute per shard and each rejoin is one: spacing rejoins keeps a restart
 * with many guilds from being rate limited (200 guilds take about a minute).
 */
export const REJOIN_SPACING_MS = 550;

export interface ResumeDeps {
  readonly sessions: SessionManager;
  readonly persistence: SessionPersistence;
  readonly notifier: Notifier;
  readonly logger: Logger;
  /** Spaces the rejoins. */
  readonly clock: Clock;
  /** Guilds this process serves (with sharding, only its own shards'). */
  readonly ownsGuild: (guildId: string) => boolean;
}

/** Rejoins and resumes every persisted session near where it was, one at a time, and says so in the channel. */
export async function resumeSessions(deps: ResumeDeps): Promise<number> {
  const snapshots = await deps.persistence.loadAll();
  let resumed = 0;
  for (const snapshot of snapshots) {
    if (!deps.ownsGuild(snapshot.guildId)) continue;
    if (resumed > 0) await new Promise<void>((resolve) => deps.clock.setTimeout(resolve, REJOIN_SPACING_MS));
    // Each snapshot on its own: one that cannot be read is quarantined and the next guild still resumes.
    if (
      await resumeOne(snapshot, deps).catch(() =>
        deps.persistence.quarantine(snapshot.guildId, snapshot).then(() => false),
      )
    )
      resumed += 1;
  }
  return resumed;
}

/** The snapshot's queue, or null when it cannot be restored (corrupt, from an incompatible version). */
function restorable(snapshot: SessionSnapshot): QueueSnapshot | null {
  try {
    Queue.restore(snapshot.queue);
    return snapshot.queue;
  } catch {
    return null;
  }
}

async function resumeOne(snapshot: SessionSnapshot, deps: ResumeDeps): Promise<boolean> {
  if (!restorable(snapshot)) {
    await deps.persistence.quarantine(snapshot.guildId, snapshot);
    return false;
  }
  const current = snapshot.queue.current;
  if (!current) {
    await deps.persistence.forget(snapshot.guildId);
    return false;
  }
  try {
    const session = await deps.sessions.acquire(snapshot.guildId, snapshot.voiceChannelId, {
      textChannelId: snapshot.textChannelId,
      queue: snapshot.queue,
      volume: snapshot.volume,
      ...(snapshot.filter ? { filter: snapshot.filter } : {}),
    });
    const { started } = await session.resumeFrom(snapshot);
    const outcome = await started;
    if (outcome && !outcome.ok) throw outcome.error;
    if (snapshot.paused) await session.pause().catch(() => undefined);
    const at = formatDuration(snapshot.positionMs);
    const text = `🔄 I was restarted. Picking up **${escapeText(current.title)}** at ${at} with ${session.queue.length} more in the queue.`;
    void deps.notifier.send(snapshot.textChannelId, text);
    return true;
  } catch (error) {
    deps.logger.warn({ err: error, guildId: snapshot.guildId }, 'could not resume session after restart');
    await deps.persistence.forget(snapshot.guildId);
    return false;
  }
}
