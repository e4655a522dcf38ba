import { randomBytes } from 'node:crypto';
import type { ChatInputCommandInteraction, Interaction, InteractionEditReplyOptions } from 'discord.js';
import { isUserError, UserError } from '../core/errors.js';
import type { CommandDeps, CommandReply, SlashCommand } from '../commands/command.js';
import type { Logger } from '../ports/logger.js';

/** Nothing the bot sends may ping anyone: titles and queries are untrusted text. */
export const NO_MENTIONS = { parse: [], repliedUser: false } as const;

const MAX_CONTENT = 2000;

/**
 * The one `interactionCreate` listener. Invariant: for every command, the deferral is the first thing sent
 * and nothing is awaited before it (no database, no cache), so the 3 s interaction deadline is never at risk.
 * Then the handler runs and the deferred reply is edited with its result. Users only ever see catalogue
 * text; unexpected errors are logged with a short reference id, which is all the user sees of them.
 */
export class InteractionRouter {
  private readonly commands: ReadonlyMap<string, SlashCommand>;

  constructor(
    commands: readonly SlashCommand[],
    private readonly deps: CommandDeps,
    private readonly logger: Logger,
  ) {
    this.commands = new Map(commands.map((c) => [c.data.name, c]));
  }

  readonly handle = async (interaction: Interaction): Promise<void> => {
    if (interaction.isChatInputCommand()) await this.handleCommand(interaction);
  };

  private async handleCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    try {
      await interaction.deferReply();
    } catch (error) {
      this.logger.warn({ err: error, command: interaction.commandName }, 'could not defer interaction');
      return;
    }
    const reply = await this.run(interaction).catch((error: unknown) => this.describe(error, interaction));
    await interaction.editReply(finalise(reply)).catch((error: unknown) => {
      this.logger.warn({ err: error, command: interaction.commandName }, 'could not edit deferred reply');
    });
  }

  private async run(interaction: ChatInputCommandInteraction): Promise<CommandReply> {
    const command = this.commands.get(interaction.commandName);
    if (!command) throw new UserError('INVALID_ARGUMENT', 'That command is not known to me any more.');
    if (!interaction.inCachedGuild()) throw new UserError('GUILD_ONLY');
    return command.execute({ interaction, deps: this.deps });
  }

  private describe(error: unknown, interaction: ChatInputCommandInteraction): string {
    if (isUserError(error)) return `❌ ${error.message}`;
    const ref = randomBytes(4).toString('hex');
    this.logger.error({ err: error, ref, command: interaction.commandName, guildId: interaction.guildId }, 'command failed');
    return `❌ Something went wrong on my side. If it keeps happening, tell the bot's owner: reference \`${ref}\`.`;
  }
}

export function finalise(reply: CommandReply): InteractionEditReplyOptions {
  const options = typeof reply === 'string' ? { content: reply } : reply;
  const content = options.content && options.content.length > MAX_CONTENT ? `${options.content.slice(0, MAX_CONTENT - 1)}…` : options.content;
  return { ...options, ...(content !== undefined ? { content } : {}), allowedMentions: NO_MENTIONS };
}
