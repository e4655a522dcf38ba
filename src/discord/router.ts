import { randomBytes } from 'node:crypto';
import {
  type AutocompleteInteraction,
  MessageFlags,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
} from 'discord.js';
import { ERRORS, isUserError, UserError } from '../core/errors.js';
import type { CommandRateLimiter, TokenBuckets } from '../core/token-bucket.js';
import { traced } from '../core/activity.js';
import type { CommandDeps, CommandReply, SlashCommand } from '../commands/command.js';
import type { Metrics } from '../ops/metrics.js';
import type { Logger } from '../ports/logger.js';
import { parseCustomId, type ButtonHandler, type ButtonOutcome } from '../commands/buttons.js';
import { finalise, NO_MENTIONS } from '../commands/reply.js';

/** What the router dispatches to, all handed in by the composition root. */
export interface RouterOptions {
  readonly commands: readonly SlashCommand[];
  /** Button families by custom-id prefix (see discord/button-handlers.ts). */
  readonly buttons: readonly ButtonHandler[];
  readonly deps: CommandDeps;
  readonly logger: Logger;
  readonly metrics?: Pick<Metrics, 'observeDeferral' | 'countCommand'>;
  readonly limits?: InteractionLimits;
}

/** Per-member/guild command buckets and per-user autocomplete buckets (in memory: checking them costs nothing). */
export interface InteractionLimits {
  readonly commands?: CommandRateLimiter;
  readonly autocomplete?: TokenBuckets;
}

const SLOW_DOWN = `🐢 ${ERRORS.RATE_LIMITED}`;

/**
 * The one `interactionCreate` listener. Invariant: for every command and button, the acknowledgement
 * (deferred reply, or deferred update for a button) is the first thing sent and nothing is awaited before
 * it (no database, no cache), so the 3 s interaction deadline is never at risk. Only a command's synchronous
 * precheck runs first, to decide the deferral's visibility: refusals and errors are seen only by the member
 * who asked, successful answers by the channel. Then the handler runs and the
 * deferred reply (or the button's message) is edited with its result. Users only ever see catalogue text;
 * unexpected errors are logged with a short reference id, which is all the user sees of them.
 */
export class InteractionRouter {
  private readonly commands: ReadonlyMap<string, SlashCommand>;
  private readonly buttons: ReadonlyMap<string, ButtonHandler>;
  private readonly deps: CommandDeps;
  private readonly logger: Logger;
  private readonly metrics: RouterOptions['metrics'];
  private readonly limits: InteractionLimits;

  constructor(options: RouterOptions) {
    this.commands = new Map(options.commands.map((c) => [c.data.name, c]));
    this.buttons = new Map(options.buttons.map((b) => [b.prefix, b]));
    this.deps = options.deps;
    this.logger = options.logger;
    this.metrics = options.metrics;
    this.limits = options.limits ?? {};
  }

  readonly handle = (interaction: Interaction): Promise<void> =>
    traced(phaseOf(interaction), () => this.dispatch(interaction));

  private async dispatch(interaction: Interaction): Promise<void> {
    if (interaction.isChatInputCommand()) await this.handleCommand(interaction);
    else if (interaction.isButton()) await this.handleButton(interaction);
    else if (interaction.isAutocomplete()) await this.handleAutocomplete(interaction);
  }

  private async handleCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    const name = interaction.commandName;
    const received = this.deps.clock.now();
    if (!this.admitted(interaction)) return this.slowDown(interaction, name);
    // Decided before the deferral, because a deferral's visibility is final: a refusal from cached state, or a
    // command that is private anyway, is deferred ephemeral; everything else public.
    const refusal = this.precheck(interaction);
    const ephemeral = refusal !== undefined || this.commands.get(name)?.ephemeral === true;
    try {
      await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    } catch (error) {
      this.logger.warn({ err: error, command: name }, 'could not defer interaction');
      this.metrics?.countCommand(name, 'defer_failed');
      return;
    }
    this.metrics?.observeDeferral(name, (this.deps.clock.now() - received) / 1000);
    let code: string | undefined;
    let failed = false;
    const after: (() => Promise<void>)[] = [];
    const fail = (error: unknown): string => {
      failed = true;
      code = isUserError(error) ? error.code : 'internal';
      return this.describe(error, interaction, `/${name}`);
    };
    const reply = refusal !== undefined ? fail(refusal) : await this.run(interaction, after).catch(fail);
    this.metrics?.countCommand(name, code);
    await (failed && !ephemeral ? this.replyPrivately(interaction, reply) : this.editReply(interaction, reply));
    // Work a command left for later (a playlist filling in) starts only now, so its edits follow this one.
    for (const task of after)
      void task().catch((error: unknown) => this.describe(error, interaction, `/${name} (after)`));
  }

  /** The command's synchronous precheck: the refusal it throws, or undefined when it passes (or has none). */
  private precheck(interaction: ChatInputCommandInteraction): unknown {
    const command = this.commands.get(interaction.commandName);
    try {
      if (!command) throw new UserError('UNKNOWN_COMMAND');
      if (!interaction.inCachedGuild()) throw new UserError('GUILD_ONLY');
      command.precheck?.({ interaction, deps: this.deps });
      return undefined;
    } catch (error) {
      return error;
    }
  }

  private async editReply(interaction: ChatInputCommandInteraction, reply: CommandReply): Promise<void> {
    await interaction.editReply(finalise(reply)).catch((error: unknown) => {
      this.logger.warn({ err: error, command: interaction.commandName }, 'could not edit deferred reply');
    });
  }

  /**
   * An error found after a public deferral: the public "thinking…" placeholder is deleted and the error sent as
   * an ephemeral follow-up. (On Discord the first follow-up after a deferral replaces the placeholder and keeps
   * its visibility, so it must be gone first.) If the delete fails, the placeholder is edited instead.
   */
  private async replyPrivately(interaction: ChatInputCommandInteraction, reply: CommandReply): Promise<void> {
    try {
      await interaction.deleteReply();
    } catch (error) {
      this.logger.debug({ err: error, command: interaction.commandName }, 'could not delete the deferred reply');
      await this.editReply(interaction, reply);
      return;
    }
    const content = finalise(reply).content ?? '';
    await interaction
      .followUp({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS })
      .catch((error: unknown) => {
        this.logger.warn({ err: error, command: interaction.commandName }, 'could not send the private error');
      });
  }

  private admitted(interaction: ChatInputCommandInteraction | ButtonInteraction): boolean {
    return (
      !interaction.guildId ||
      !this.limits.commands ||
      this.limits.commands.admit(interaction.guildId, interaction.user.id)
    );
  }

  /** Over the member's or guild's rate: one ephemeral reply (the acknowledgement itself), no work at all. */
  private async slowDown(interaction: ChatInputCommandInteraction | ButtonInteraction, label: string): Promise<void> {
    this.metrics?.countCommand(label, 'rate_limited');
    await interaction
      .reply({ content: SLOW_DOWN, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS })
      .catch((error: unknown) => {
        this.logger.debug({ err: error, interaction: label }, 'could not send a slow-down reply');
      });
  }

  private async run(interaction: ChatInputCommandInteraction, after: (() => Promise<void>)[]): Promise<CommandReply> {
    const command = this.commands.get(interaction.commandName);
    if (!command) throw new UserError('UNKNOWN_COMMAND');
    if (!interaction.inCachedGuild()) throw new UserError('GUILD_ONLY');
    return command.execute({ interaction, deps: this.deps, after: (task) => void after.push(task) });
  }

  /** Autocomplete cannot be deferred: it answers within Discord's 3 s or not at all (an empty list on error). */
  private async handleAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const command = this.commands.get(interaction.commandName);
    // A keystroke over the user's rate gets no search (an empty list): typing fast must not fill the pool.
    if (this.limits.autocomplete && !this.limits.autocomplete.take(interaction.user.id)) {
      await interaction.respond([]).catch(() => undefined);
      return;
    }
    const choices = await (command?.autocomplete?.(interaction, this.deps) ?? Promise.resolve([])).catch(
      (error: unknown) => {
        this.logger.debug({ err: error, command: interaction.commandName }, 'autocomplete failed');
        return [];
      },
    );
    await interaction.respond(choices.slice(0, 25)).catch((error: unknown) => {
      this.logger.debug({ err: error, command: interaction.commandName }, 'could not answer autocomplete');
    });
  }

  /** Acknowledge first (deferred update: the message stays as it is), then act, then edit the message. */
  private async handleButton(interaction: ButtonInteraction): Promise<void> {
    if (!this.admitted(interaction)) return this.slowDown(interaction, 'button');
    try {
      await interaction.deferUpdate();
    } catch (error) {
      this.logger.warn({ err: error, customId: interaction.customId }, 'could not acknowledge button');
      return;
    }
    const outcome = await this.runButton(interaction).catch(
      (error: unknown): ButtonOutcome => ({ notice: this.describe(error, interaction, interaction.customId) }),
    );
    const failed = (what: string) => (error: unknown) =>
      this.logger.warn({ err: error, customId: interaction.customId }, `could not ${what} after a button press`);
    if (outcome.update) await interaction.editReply(finalise(outcome.update)).catch(failed('edit the message'));
    if (outcome.notice) {
      const content = finalise(outcome.notice).content ?? '';
      await interaction
        .followUp({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS })
        .catch(failed('send a notice'));
    }
  }

  private async runButton(interaction: ButtonInteraction): Promise<ButtonOutcome> {
    const { prefix, args } = parseCustomId(interaction.customId);
    const handler = this.buttons.get(prefix);
    if (!handler) throw new UserError('UNKNOWN_BUTTON');
    if (!interaction.inCachedGuild()) throw new UserError('GUILD_ONLY');
    return handler.execute({ interaction, deps: this.deps, args });
  }

  private describe(error: unknown, interaction: Interaction, label: string): string {
    if (isUserError(error)) return `❌ ${error.message}${error.note ? `\n${error.note}` : ''}`;
    const ref = randomBytes(4).toString('hex');
    this.logger.error({ err: error, ref, interaction: label, guildId: interaction.guildId }, 'interaction failed');
    return `❌ Something went wrong on my side. If it keeps happening, tell the bot's owner: reference \`${ref}\`.`;
  }
}

/** The watchdog's name for handling `interaction` (bounded: command names, or the kind). */
function phaseOf(interaction: Interaction): string {
  if (interaction.isChatInputCommand()) return `command:${interaction.commandName}`;
  if (interaction.isAutocomplete()) return `autocomplete:${interaction.commandName}`;
  return interaction.isButton() ? 'button' : 'interaction';
}
