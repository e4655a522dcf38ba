import type { Actor } from '../controls/control-guard.js';
import type { GuildSummary, PlayerBody, QueueBody, PlaylistSummary } from './schemas.js';
import type { WebUser } from './session-cookie.js';

/**
 * What the routes need from the bot, as two small interfaces: the routes stay thin (parse, authorize, answer)
 * and `inject()` tests can drive every route with stand-ins, while the real implementations (discord-bridge.ts)
 * call the very player actions the slash commands use.
 */
export interface GuildDirectory {
  /** The servers the user shares with the bot (`hint`: the ids Discord listed at login, when known). */
  shared(user: WebUser, hint: readonly string[] | undefined): Promise<GuildSummary[]>;
  /**
   * The member acting in a server both share, built like a slash command's (roles, Manage Server, voice
   * state); GUILD_NOT_FOUND (404) when the bot or the user is not there, so ids cannot be probed.
   */
  actor(userId: string, guildId: string): Promise<Actor>;
}

export type LoopModeName = 'off' | 'track' | 'queue';

/** The player as the API sees it: reads, and the controls of the slash commands (each answers their text). */
export interface WebPlayer {
  player(guildId: string): PlayerBody;
  queue(guildId: string): QueueBody;
  pause(actor: Actor): Promise<string>;
  resume(actor: Actor): Promise<string>;
  skip(actor: Actor): Promise<string>;
  previous(actor: Actor): Promise<string>;
  seek(actor: Actor, positionMs: number): Promise<string>;
  volume(actor: Actor, percent: number): Promise<string>;
  loop(actor: Actor, mode: LoopModeName): Promise<string>;
  filter(actor: Actor, preset: string): Promise<string>;
  /** `/play query:<query>`. */
  add(actor: Actor, query: string): Promise<string>;
  remove(actor: Actor, entryId: number): Promise<string>;
  /** `toIndex` is 0-based in the upcoming list. */
  move(actor: Actor, entryId: number, toIndex: number): Promise<string>;
  clear(actor: Actor): Promise<string>;
  shuffle(actor: Actor): Promise<string>;
  playlists(userId: string): Promise<PlaylistSummary[]>;
  playPlaylist(actor: Actor, name: string): Promise<string>;
  /** Calls `listener` after every change of the guild's session (a new session included); returns the unsubscribe. */
  watch(guildId: string, listener: () => void): () => void;
}
