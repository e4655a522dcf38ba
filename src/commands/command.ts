import type {
  ApplicationCommandOptionChoiceData,
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  InteractionEditReplyOptions,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Config } from '../config.js';
import type { ControlDeps } from '../controls/control-guard.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { SessionManager } from '../session/session-manager.js';
import type { SettingsStore } from '../settings/guild-settings.js';
import type { TrackResolver } from '../resolver/resolver-service.js';

/** Everything a command handler may use; built once in the composition root. */
export interface CommandDeps extends ControlDeps {
  readonly config: Config;
  readonly sessions: SessionManager;
  readonly sources: TrackResolver;
  readonly settings: SettingsStore;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface CommandContext {
  /** Always in a cached guild: the router answers GUILD_ONLY otherwise. */
  readonly interaction: ChatInputCommandInteraction<'cached'>;
  readonly deps: CommandDeps;
  /** Runs `task` after the router has edited the deferred reply (e.g. a playlist filling in the background). */
  readonly after: (task: () => Promise<void>) => void;
}

export type CommandReply = string | Omit<InteractionEditReplyOptions, 'allowedMentions'>;

/**
 * A slash command: its definition and its handler. The router has already deferred the reply when
 * `execute` runs; the handler returns what the deferred reply becomes, or throws a UserError.
 */
export interface SlashCommand {
  readonly data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  execute(context: CommandContext): Promise<CommandReply>;
  /** Suggestions while the user types (must answer well within Discord's 3 s). */
  autocomplete?(interaction: AutocompleteInteraction, deps: CommandDeps): Promise<ApplicationCommandOptionChoiceData[]>;
}
