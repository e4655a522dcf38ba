import type { InteractionEditReplyOptions } from 'discord.js';
import type { CommandReply } from './command.js';

/** Nothing the bot sends may ping anyone: titles and queries are untrusted text. */
export const NO_MENTIONS = { parse: [], repliedUser: false } as const;

const MAX_CONTENT = 2000;

/** A command's or button's reply as sent: content cut to Discord's limit, mentions suppressed. */
export function finalise(reply: CommandReply): InteractionEditReplyOptions {
  const options = typeof reply === 'string' ? { content: reply } : reply;
  const content =
    options.content && options.content.length > MAX_CONTENT
      ? `${options.content.slice(0, MAX_CONTENT - 1)}…`
      : options.content;
  return { ...options, ...(content !== undefined ? { content } : {}), allowedMentions: NO_MENTIONS };
}
