import type { Client, MessageCreateOptions } from 'discord.js';
import type { QueuedTrack } from '../core/track.js';
import type { Logger } from '../ports/logger.js';
import type { GuildSession } from '../session/guild-session.js';
import type { SettingsStore } from '../settings/guild-settings.js';
import { renderNowPlaying } from '../commands/now-playing-view.js';
import { NO_MENTIONS } from '../commands/reply.js';

export interface NowPlayingAnnouncerDeps {
  readonly client: Client;
  readonly settings: SettingsStore;
  readonly logger: Logger;
}

interface Posted {
  readonly channelId: string;
  readonly messageId: string;
  readonly entryId: number;
}

/**
 * Posts the now-playing message (with its control buttons) when a new track starts, in the guild's announce
 * channel or where the queue was started, unless the guild turned announcements off. Only one message per
 * session carries live buttons: the previous one loses them when the next track starts, and the last one when
 * playback stops or the session ends. Restarts of the same entry (seek, volume, stream recovery, a track on
 * loop) post nothing new. Work is chained per session so messages appear in track order; failures (deleted
 * channel, missing permission) are only logged.
 */
export class NowPlayingAnnouncer {
  private readonly posted = new WeakMap<GuildSession, Posted>();
  private readonly chains = new WeakMap<GuildSession, Promise<void>>();

  constructor(private readonly deps: NowPlayingAnnouncerDeps) {}

  /** Call once per session, from the session factory. */
  watch(session: GuildSession): void {
    session.on('trackStart', (entry) => this.chain(session, () => this.announce(session, entry)));
    session.on('stateChange', (_old, next) => {
      if (next.status === 'idle' || next.status === 'destroyed') this.chain(session, () => this.retire(session));
    });
  }

  private chain(session: GuildSession, task: () => Promise<void>): void {
    const run = (this.chains.get(session) ?? Promise.resolve()).then(task).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, guildId: session.guildId }, 'now-playing message failed');
    });
    this.chains.set(session, run);
  }

  private async announce(session: GuildSession, entry: QueuedTrack): Promise<void> {
    if (this.posted.get(session)?.entryId === entry.entryId) return;
    const settings = await this.deps.settings.get(session.guildId);
    await this.retire(session);
    const view = renderNowPlaying(session);
    if (!settings.announceNowPlaying || !view || session.queue.current?.entryId !== entry.entryId) return;
    const channelId = settings.announceChannelId ?? session.textChannelId;
    const message = await this.send(channelId, { content: view.content, components: view.components, allowedMentions: NO_MENTIONS });
    if (message) this.posted.set(session, { channelId, messageId: message, entryId: entry.entryId });
  }

  /** Takes the buttons off the session's last message: they would act on a track that is over. */
  private async retire(session: GuildSession): Promise<void> {
    const last = this.posted.get(session);
    if (!last) return;
    this.posted.delete(session);
    const channel = await this.channel(last.channelId);
    if (channel && 'messages' in channel) await channel.messages.edit(last.messageId, { components: [] });
  }

  private async send(channelId: string, options: MessageCreateOptions): Promise<string | undefined> {
    const channel = await this.channel(channelId);
    if (!channel?.isSendable()) return undefined;
    return (await channel.send(options)).id;
  }

  private async channel(channelId: string) {
    const { client } = this.deps;
    return client.channels.cache.get(channelId) ?? (await client.channels.fetch(channelId));
  }
}
