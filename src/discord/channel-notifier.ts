import type { Client } from 'discord.js';
import type { Logger } from '../ports/logger.js';
import type { Notifier } from '../ports/notifier.js';
import { NO_MENTIONS } from '../commands/reply.js';

/** Posts to a text channel through discord.js; failures (deleted channel, no permission) are only logged. */
export class ChannelNotifier implements Notifier {
  constructor(
    private readonly client: Client,
    private readonly logger: Logger,
  ) {}

  async send(channelId: string, content: string): Promise<void> {
    try {
      const channel = this.client.channels.cache.get(channelId) ?? (await this.client.channels.fetch(channelId));
      if (!channel?.isSendable()) return;
      await channel.send({ content: content.slice(0, 2000), allowedMentions: NO_MENTIONS });
    } catch (error) {
      this.logger.warn({ err: error, channelId }, 'could not post to channel');
    }
  }
}
