import { UserError } from '../core/errors.js';

/** The permission and limit refusals of the command surface, by name (wording: core/errors.ts). */
export const denials = {
  notDj: (action: string): UserError => new UserError('NOT_DJ', { action }),
  manageGuildRequired: (): UserError => new UserError('MANAGE_GUILD_REQUIRED'),
  duplicate: (): UserError => new UserError('DUPLICATE_TRACK'),
  userQueueLimit: (limit: number): UserError => new UserError('USER_QUEUE_LIMIT', { limit }),
  queueFull: (limit: number): UserError => new UserError('QUEUE_FULL', { limit }),
  badSeek: (): UserError => new UserError('BAD_SEEK_POSITION'),
  badRange: (): UserError => new UserError('BAD_QUEUE_RANGE'),
  staleControls: (): UserError => new UserError('STALE_CONTROLS'),
} as const;
