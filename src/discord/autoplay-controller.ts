import { pickAutoplay, playedKeys } from '../core/autoplay.js';
import { escapeText } from '../core/format.js';
import type { QueuedTrack, Requester } from '../core/track.js';
import type { Logger } from '../ports/logger.js';
import type { Notifier } from '../ports/notifier.js';
import type { RelatedTracks } from '../resolver/related-tracks.js';
import type { AutoplaySwitch } from '../session/autoplay-switch.js';
import type { GuildSession } from '../session/guild-session.js';
import { isActive } from '../session/session-state.js';
import type { SettingsStore } from '../settings/guild-settings.js';

export interface AutoplayDeps {
  readonly related: Pick<RelatedTracks, 'candidates'>;
  readonly switch: AutoplaySwitch;
  readonly settings: Pick<SettingsStore, 'peek'>;
  readonly notifier: Notifier;
  /** Members (not bots) in the session's voice channel: nobody listening, nothing is queued. */
  readonly listeners: (guildId: string, channelId: string) => number;
  /** Who autoplayed tracks are "requested by" (the bot, named "autoplay"). */
  readonly requester: () => Requester;
  readonly logger: Logger;
}

/** How long finding a related track may take before autoplay gives up for this time. */
const PICK_TIMEOUT_MS = 20_000;

/**
 * Autoplay: when a session's queue runs out (the last track finished or was skipped, not `/stop`, which
 * clears the history too), queues one related track that was not played in the last ~50 (the history)
 * nor is the same song under another id, and says so where the session plays. Nothing happens while nobody
 * is listening, or when someone queued something meanwhile.
 */
export class AutoplayController {
  private readonly picking = new Set<string>();

  constructor(private readonly deps: AutoplayDeps) {}

  watch(session: GuildSession): void {
    session.on('stateChange', (old, next) => {
      if (next.status === 'idle' && isActive(old)) void this.queueEnded(session, old.entry);
      if (next.status === 'destroyed') this.deps.switch.clear(session.guildId);
    });
  }

  private wanted(session: GuildSession, last: QueuedTrack): boolean {
    const { guildId, queue } = session;
    if (!this.deps.switch.enabled(guildId, this.deps.settings.peek(guildId).autoplay)) return false;
    if (queue.current !== null || queue.length > 0 || queue.history.at(-1)?.entryId !== last.entryId) return false;
    return !this.picking.has(guildId) && this.deps.listeners(guildId, session.voiceChannelId) > 0;
  }

  private async queueEnded(session: GuildSession, last: QueuedTrack): Promise<void> {
    if (!this.wanted(session, last)) return;
    this.picking.add(session.guildId);
    try {
      const candidates = await this.deps.related.candidates(last, AbortSignal.timeout(PICK_TIMEOUT_MS));
      // Someone may have queued something, stopped, or left while we looked.
      if (session.state.status !== 'idle' || session.queue.length > 0) return;
      const pick = pickAutoplay(candidates, playedKeys([...session.queue.history, ...session.queue.upcoming]));
      if (!pick) {
        await this.deps.notifier.send(
          session.textChannelId,
          `📻 Autoplay found nothing new related to **${escapeText(last.title, 80)}**. Add something with /play.`,
        );
        return;
      }
      await session.enqueue([pick], this.deps.requester());
      await this.deps.notifier.send(
        session.textChannelId,
        `📻 Autoplay: queued **${escapeText(pick.title, 80)}** (related to **${escapeText(last.title, 80)}**). \`/autoplay enabled:false\` turns it off.`,
      );
    } catch (error) {
      this.deps.logger.warn({ err: error, guildId: session.guildId }, 'autoplay could not queue a related track');
    } finally {
      this.picking.delete(session.guildId);
    }
  }
}
