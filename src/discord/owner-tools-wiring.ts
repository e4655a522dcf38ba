import type { Client } from 'discord.js';
import type { Config } from '../config.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Notifier } from '../ports/notifier.js';
import type { KeyValueStore } from '../ports/store.js';
import type { Ops } from '../ops/ops.js';
import type { OwnerTools } from '../commands/owner-tools.js';
import { gatherStatus, type StatusSourceOptions } from '../ops/owner-tools.js';
import { ProcessSampler } from '../ops/process-sampler.js';
import { YtDlpVersionProbe } from '../ops/ytdlp-version.js';
import type { SessionManager } from '../session/session-manager.js';
import { FeedbackStore } from '../settings/feedback-store.js';

export interface OwnerToolsDeps {
  readonly client: Client;
  readonly config: Config;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly ops: Ops;
  readonly sessions: SessionManager;
  readonly store: KeyValueStore & { readonly healthy?: boolean };
  readonly notifier: Notifier;
  readonly version: string;
  readonly shard: string | undefined;
  /** The minimal environment every child runs in (for the /status yt-dlp probe). */
  readonly childEnv: Record<string, string>;
  /** Where audio runs now (the audio engine's own summary). */
  readonly audio: StatusSourceOptions['audio'];
}

/** Builds what `/status` and `/feedback` use from the live client, the ops objects and the store. */
export function createOwnerTools(d: OwnerToolsDeps): OwnerTools {
  const startedAt = d.clock.now();
  const children = new ProcessSampler();
  const ytdlp = new YtDlpVersionProbe({
    clock: d.clock,
    configuredPath: d.config.ytdlpPath,
    env: d.childEnv,
  });
  const owners = applicationOwners(d.client, d.logger, d.clock);
  return {
    isBotOwner: async (userId) => (await owners()).has(userId),
    status: () =>
      gatherStatus({
        clock: d.clock,
        startedAt,
        version: d.version,
        metrics: d.ops.metrics,
        history: d.ops.history,
        children,
        ytdlp,
        guildCount: () => d.client.guilds.cache.size,
        sessionStates: () => d.sessions.all().map((s) => s.state.status),
        storeHealthy: () => d.store.healthy ?? true,
        ready: () => d.ops.readiness.evaluate().ready,
        shard: d.shard,
        audio: d.audio,
      }),
    feedback: new FeedbackStore(d.store),
    observeRating: (stars) => d.ops.metrics.observeRating(stars),
    forwardFeedback: async (content) => {
      if (d.config.feedbackChannelId) await d.notifier.send(d.config.feedbackChannelId, content);
    },
  };
}

/**
 * The application's owner, or its team's members, fetched once (then every 10 minutes at most); a failed
 * fetch means "nobody" until the next try, so Manage Server still works when Discord does not answer.
 */
function applicationOwners(client: Client, logger: Logger, clock: Clock): () => Promise<Set<string>> {
  let cached: { at: number; ids: Promise<Set<string>> } | undefined;
  const fetchIds = async (): Promise<Set<string>> => {
    try {
      const app = await client.application?.fetch();
      const owner = app?.owner;
      if (!owner) return new Set();
      if ('members' in owner) return new Set([...owner.members.keys()]);
      return new Set([owner.id]);
    } catch (error) {
      logger.debug({ err: error }, 'could not fetch the application owner');
      return new Set();
    }
  };
  return () => {
    const now = clock.now();
    if (!cached || now - cached.at > 600_000) cached = { at: now, ids: fetchIds() };
    return cached.ids;
  };
}
