import { UserError } from '../core/errors.js';
import { plural } from '../core/format.js';

/** The permission and limit refusals of the command surface, by name (wording: core/errors.ts). */
export const denials = {
  /** Names the server's DJ role (a role mention: shown as its name, never a ping under NO_MENTIONS). */
  notDj: (action: string, djRoleId: string | null = null): UserError =>
    new UserError('NOT_DJ', { action, role: djRoleId ? `<@&${djRoleId}>` : 'DJ' }),
  /** Names the bot's voice channel, so the member knows where to go. */
  notSameChannel: (channelId: string, action = 'control playback'): UserError =>
    new UserError('NOT_SAME_CHANNEL', { channel: `<#${channelId}>`, action }),
  manageGuildRequired: (): UserError => new UserError('MANAGE_GUILD_REQUIRED'),
  duplicate: (): UserError => new UserError('DUPLICATE_TRACK'),
  userQueueLimit: (limit: number): UserError => new UserError('USER_QUEUE_LIMIT', { tracks: plural(limit, 'track') }),
  queueFull: (limit: number): UserError => new UserError('QUEUE_FULL', { limit }),
  badSeek: (): UserError => new UserError('BAD_SEEK_POSITION'),
  badRange: (): UserError => new UserError('BAD_QUEUE_RANGE'),
  staleControls: (): UserError => new UserError('STALE_CONTROLS'),
} as const;
