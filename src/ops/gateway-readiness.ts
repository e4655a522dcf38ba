import type { Client } from 'discord.js';
import type { ReadinessTracker } from './readiness.js';

/**
 * Feeds a ReadinessTracker from the client's gateway events. `shardReady`/`shardResume` mean the shard can
 * receive interactions again; `shardDisconnect` (closed for good until discord.js reconnects) and
 * `shardReconnecting` mean it cannot. Call before `client.login()` so no event is missed.
 */
export function trackGateway(client: Pick<Client, 'on' | 'once'>, tracker: ReadinessTracker): void {
  client.once('clientReady', () => tracker.markReady());
  client.on('shardReady', (shardId) => tracker.shardUp(shardId));
  client.on('shardResume', (shardId) => tracker.shardUp(shardId));
  client.on('shardDisconnect', (event, shardId) =>
    tracker.shardDown(shardId, `disconnected (close code ${event.code})`),
  );
  client.on('shardReconnecting', (shardId) => tracker.shardDown(shardId, 'reconnecting'));
}
