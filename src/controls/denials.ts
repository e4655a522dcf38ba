import { UserError } from '../core/errors.js';
import { plural } from '../core/format.js';

/** The permission and limit refusals of the command surface: catalogue codes with specific wording. */
export const denials = {
  /** Names the server's DJ role (a role mention: shown as its name, never a ping under NO_MENTIONS). */
  notDj: (what: string, djRoleId: string | null): UserError =>
    UserError.withText(
      'NOT_DJ',
      `Only DJs can ${what} while others are listening: you need the ${djRoleId ? `<@&${djRoleId}>` : 'DJ'} role or Manage Server.`,
    ),
  /** Names the bot's voice channel, so the member knows where to go. */
  notSameChannel: (channelId: string, what = 'control playback'): UserError =>
    UserError.withText('NOT_SAME_CHANNEL', `You need to be in my voice channel <#${channelId}> to ${what}.`),
  manageGuildRequired: (): UserError => new UserError('MANAGE_GUILD_REQUIRED'),
  duplicate: (): UserError => new UserError('DUPLICATE_TRACK'),
  userQueueLimit: (limit: number): UserError =>
    UserError.withText('USER_QUEUE_LIMIT', `You already have ${plural(limit, 'track')} queued, the most this server allows per member.`),
  queueFull: (limit: number): UserError => new UserError('QUEUE_FULL', `(${limit} tracks at most.)`),
  badSeek: (): UserError => new UserError('BAD_SEEK_POSITION'),
  badRange: (): UserError => new UserError('BAD_QUEUE_RANGE'),
  staleControls: (): UserError => new UserError('STALE_CONTROLS'),
} as const;
