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
import type { PlaylistStore } from '../settings/playlist-store.js';
import type { LyricsFollowers } from './lyrics-follower.js';
import type { LyricsService } from '../resolver/lyrics-service.js';
import type { AutoplaySwitch } from '../session/autoplay-switch.js';
import type { SessionManager } from '../session/session-manager.js';
import type { SettingsStore } from '../settings/guild-settings.js';
import type { TrackResolver } from '../resolver/resolver-service.js';
import type { OwnerTools } from './owner-tools.js';
import type { GuildSession } from '../session/guild-session.js';
import type { CommandIds } from './command-ids.js';

/** Everything a command handler may use; built once in the composition root. */
export interface CommandDeps extends ControlDeps {
  readonly config: Config;
  readonly sessions: SessionManager;
  readonly sources: TrackResolver;
  readonly settings: SettingsStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** `/status` and `/feedback`: what the bot knows about itself, and where ratings go. */
  readonly owner?: OwnerTools;
  /** Members' saved playlists (/playlist). */
  readonly playlists: PlaylistStore;
  /** `/lyrics`; undefined when LYRICS_API_URL is empty (lyrics off). */
  readonly lyrics: { readonly service: LyricsService; readonly followers: LyricsFollowers } | undefined;
  /** `/autoplay` choices per session. */
  readonly autoplay: AutoplaySwitch;
  /** The session's one player message (absent in unit tests that build deps by hand). */
  readonly player?: PlayerMessageRegistry;
  /** Registered command ids, for clickable `</name:id>` mentions. */
  readonly commandIds?: CommandIds;
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
 * What buttons and commands may ask of a session's one player message (implemented in discord/player-message.ts).
 */
export interface PlayerMessageRegistry {
  /** Whether `messageId` is the guild's live player message (presses on it redraw through here, not in place). */
  owns(guildId: string, messageId: string): boolean;
  /** Redraws the session's player message from its current state (no-op when it has none). */
  refresh(session: GuildSession): void;
}

/** What a precheck sees: the interaction and the dependencies, nothing awaited. */
export interface PrecheckContext {
  readonly interaction: ChatInputCommandInteraction<'cached'>;
  readonly deps: CommandDeps;
}

/**
 * A slash command: its definition and its handler. The router has already deferred the reply when
 * `execute` runs; the handler returns what the deferred reply becomes, or throws a UserError.
 */
export interface SlashCommand {
  readonly data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  execute(context: CommandContext): Promise<CommandReply>;
  /**
   * Cheap, synchronous refusals from cached state only (voice channel, session, the query's shape), run before
   * the deferral so that a refusal is deferred ephemeral: only the member who asked sees "join a voice channel
   * first". It must not await or read the store (that would put the 3 s deadline at risk); `execute` still
   * re-checks, since state can change between the two.
   */
  precheck?(context: PrecheckContext): void;
  /** The whole exchange is private to the member (e.g. /help); by default successful answers are public. */
  readonly ephemeral?: boolean;
  /** Suggestions while the user types (must answer well within Discord's 3 s). */
  autocomplete?(interaction: AutocompleteInteraction, deps: CommandDeps): Promise<ApplicationCommandOptionChoiceData[]>;
}
