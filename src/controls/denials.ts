import { UserError } from '../core/errors.js';

/** The permission and limit refusals of the command surface: catalogue codes with specific wording. */
export const denials = {
  notDj: (what: string): UserError =>
    UserError.withText('NOT_DJ', `Only DJs can ${what} while others are listening: you need the DJ role or Manage Server.`),
  manageGuildRequired: (): UserError => new UserError('MANAGE_GUILD_REQUIRED'),
  duplicate: (): UserError => new UserError('DUPLICATE_TRACK'),
  userQueueLimit: (limit: number): UserError =>
    UserError.withText('USER_QUEUE_LIMIT', `You already have ${limit} track(s) queued, the most this server allows per member.`),
  queueFull: (limit: number): UserError => new UserError('QUEUE_FULL', `(${limit} tracks at most.)`),
  badSeek: (): UserError => new UserError('BAD_SEEK_POSITION'),
  badRange: (): UserError => new UserError('BAD_QUEUE_RANGE'),
  staleControls: (): UserError => new UserError('STALE_CONTROLS'),
} as const;
