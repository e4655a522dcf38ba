import { UserError, type ErrorCode } from '../core/errors.js';

/**
 * User errors this surface needs that the catalogue (src/core/errors.ts) does not have yet. Each is raised
 * under the nearest existing code, with its own friendly text, so metrics stay within the catalogue's codes
 * and users never read a mismatched sentence; when the codes land, only this file changes.
 *
 * Wanted codes: NOT_DJ, MANAGE_GUILD_REQUIRED, DUPLICATE_TRACK, USER_QUEUE_LIMIT, BAD_SEEK_POSITION,
 * BAD_QUEUE_RANGE, STALE_CONTROLS.
 */
class CatalogueGapError extends UserError {
  constructor(code: ErrorCode, text: string) {
    super(code);
    this.message = text;
  }
}

export const denials = {
  /** NOT_DJ */
  notDj: (what: string): UserError =>
    new CatalogueGapError('INVALID_ARGUMENT', `Only DJs can ${what} while others are listening: you need the DJ role or Manage Server.`),
  /** MANAGE_GUILD_REQUIRED */
  manageGuildRequired: (): UserError =>
    new CatalogueGapError('INVALID_ARGUMENT', 'Only members with the **Manage Server** permission can change my settings.'),
  /** DUPLICATE_TRACK */
  duplicate: (): UserError =>
    new CatalogueGapError('INVALID_ARGUMENT', "That's already in the queue, and this server doesn't allow duplicates."),
  /** USER_QUEUE_LIMIT */
  userQueueLimit: (limit: number): UserError =>
    new CatalogueGapError('QUEUE_FULL', `You already have ${limit} track(s) queued, the most this server allows per member.`),
  /** QUEUE_FULL with the limit */
  queueFull: (limit: number): UserError => new UserError('QUEUE_FULL', `(${limit} tracks at most.)`),
  /** BAD_SEEK_POSITION */
  badSeek: (): UserError =>
    new CatalogueGapError('INVALID_ARGUMENT', 'Give a position like `1:23`, `83` (seconds), `1:02:03`, or `+10` / `-10` to jump.'),
  /** BAD_QUEUE_RANGE */
  badRange: (): UserError =>
    new CatalogueGapError('INVALID_ARGUMENT', 'Give a queue position like `3`, or a range like `3-7`.'),
  /** STALE_CONTROLS */
  staleControls: (): UserError =>
    new CatalogueGapError('INVALID_ARGUMENT', 'Those buttons belong to a track that is no longer playing.'),
} as const;
