import type { ButtonInteraction } from 'discord.js';
import type { CommandDeps, CommandReply } from './command.js';

/**
 * Button presses, routed by custom id. Every custom id is `<prefix>:<args…>` and carries all the handler
 * needs (guild, track, page): nothing about a message is remembered in memory, so buttons keep working
 * (or say clearly that they are stale) after a restart.
 */
export interface ButtonContext {
  /** Always in a cached guild: the router answers GUILD_ONLY otherwise. */
  readonly interaction: ButtonInteraction<'cached'>;
  readonly deps: CommandDeps;
  /** The custom id's fields after the prefix. */
  readonly args: readonly string[];
}

/** What a press leads to; the router has already acknowledged it with a deferred update. */
export interface ButtonOutcome {
  /** The new content and/or components of the message the button is on (edited in place). */
  readonly update?: CommandReply;
  /** Shown only to whoever pressed (refusals, "you already voted"). */
  readonly notice?: string;
}

export interface ButtonHandler {
  /** The custom id's first field. */
  readonly prefix: string;
  execute(context: ButtonContext): Promise<ButtonOutcome>;
}

/** Splits `np:pause:123:4` into the prefix and the arguments. */
export function parseCustomId(customId: string): { readonly prefix: string; readonly args: readonly string[] } {
  const [prefix = '', ...args] = customId.split(':');
  return { prefix, args };
}
