import {
  DiscordAPIError,
  RESTJSONErrorCodes,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type Client,
} from 'discord.js';
import { NO_MENTIONS } from '../commands/reply.js';

/** A player message's body: text and/or embeds, and its buttons. */
export interface PlayerView {
  readonly content?: string;
  readonly embeds?: readonly APIEmbed[];
  readonly components: APIActionRowComponent<APIComponentInMessageActionRow>[];
}

/** The channel operations the player message needs, as a small port (discord.js below, fakes in unit tests). */
export interface PlayerChannels {
  /** The new message's id, or undefined when the channel cannot take it. */
  post(channelId: string, view: PlayerView): Promise<string | undefined>;
  /** False when the message is gone (deleted by someone): the caller posts a new one. */
  edit(channelId: string, messageId: string, view: PlayerView): Promise<boolean>;
  /** Deletes it; if that is not allowed, takes its buttons off instead. */
  remove(channelId: string, messageId: string): Promise<void>;
  /** How many messages came after `messageId` (at most `limit`); undefined when history cannot be read. */
  countNewer(channelId: string, messageId: string, limit: number): Promise<number | undefined>;
}

const isUnknownMessage = (error: unknown): boolean =>
  error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownMessage;

const body = (view: PlayerView) => ({
  content: view.content ?? '',
  embeds: [...(view.embeds ?? [])],
  components: view.components,
  allowedMentions: NO_MENTIONS,
});

/** The discord.js adapter. Reading history needs Read Message History; without it the message is only edited. */
export function discordPlayerChannels(client: Client): PlayerChannels {
  const channel = async (id: string) => client.channels.cache.get(id) ?? (await client.channels.fetch(id));
  const messagesOf = async (id: string) => {
    const found = await channel(id);
    return found && 'messages' in found ? found.messages : undefined;
  };
  return {
    async post(channelId, view) {
      const found = await channel(channelId);
      if (!found?.isSendable()) return undefined;
      return (await found.send(body(view))).id;
    },
    async edit(channelId, messageId, view) {
      const messages = await messagesOf(channelId);
      if (!messages) return false;
      try {
        await messages.edit(messageId, body(view));
        return true;
      } catch (error) {
        if (isUnknownMessage(error)) return false;
        throw error;
      }
    },
    async remove(channelId, messageId) {
      const messages = await messagesOf(channelId);
      if (!messages) return;
      await messages.delete(messageId).catch(async (error: unknown) => {
        if (!isUnknownMessage(error)) await messages.edit(messageId, { components: [] }).catch(() => undefined);
      });
    },
    async countNewer(channelId, messageId, limit) {
      const messages = await messagesOf(channelId);
      if (!messages) return undefined;
      try {
        return (await messages.fetch({ after: messageId, limit, cache: false })).size;
      } catch {
        return undefined;
      }
    },
  };
}
