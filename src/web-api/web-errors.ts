import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance } from 'fastify';
import { ERRORS, isUserError, renderError, type ErrorCode, type PlainErrorCode } from '../core/errors.js';
import type { Logger } from '../ports/logger.js';

/**
 * The API's failures. Every body is `{ error: { code, message } }` where `code` is a key of the one error
 * catalogue (src/core/errors.ts) and `message` its text: a refusal reads exactly as in Discord. Anything that is
 * not a catalogued failure is logged with a reference id and answered 500 with no detail.
 */
export class WebError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string = renderError(code),
  ) {
    super(message);
    this.name = 'WebError';
  }
}

export const webError = (status: number, code: PlainErrorCode): WebError => new WebError(status, code);

/** The HTTP status a catalogued refusal maps to (400 unless listed). */
const STATUS: Partial<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  NOT_IN_VOICE: 403,
  NOT_SAME_CHANNEL: 403,
  NOT_DJ: 403,
  MANAGE_GUILD_REQUIRED: 403,
  MISSING_VOICE_PERMISSIONS: 403,
  CSRF: 403,
  GUILD_NOT_FOUND: 404,
  NOT_FOUND: 404,
  TOKEN_NOT_FOUND: 404,
  PLAYLIST_NOT_FOUND: 404,
  QUEUE_ENTRY_GONE: 404,
  NOTHING_PLAYING: 409,
  ALREADY_PAUSED: 409,
  NOT_PAUSED: 409,
  NO_PREVIOUS_TRACK: 409,
  QUEUE_EMPTY: 409,
  QUEUE_FULL: 409,
  DUPLICATE_TRACK: 409,
  USER_QUEUE_LIMIT: 409,
  TOKEN_LIMIT: 409,
  SESSION_ENDED: 409,
  BUSY: 409,
  RATE_LIMITED: 429,
  SHUTTING_DOWN: 503,
};

export const statusOf = (code: ErrorCode): number => STATUS[code] ?? 400;

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

export const errorBody = (code: ErrorCode, message: string = ERRORS[code]): ErrorBody => ({
  error: { code, message },
});

/** Installs the one error handler and the JSON 404 of the API. */
export function installErrorHandler(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((error: FastifyError | WebError, request, reply) => {
    if (error instanceof WebError) return reply.code(error.statusCode).send(errorBody(error.code, error.message));
    if (isUserError(error)) return reply.code(statusOf(error.code)).send(errorBody(error.code, error.message));
    if ('validation' in error && error.validation) return reply.code(400).send(errorBody('INVALID_ARGUMENT'));
    const status = (error as FastifyError).statusCode;
    if (status === 415 || status === 413 || (status === 400 && (error as FastifyError).code?.startsWith('FST_')))
      return reply.code(400).send(errorBody('INVALID_ARGUMENT'));
    const reference = randomUUID().slice(0, 8);
    logger.error({ err: error, reference, route: request.routeOptions.url }, 'web request failed');
    return reply.code(500).send(errorBody('INTERNAL', renderError('INTERNAL', { reference })));
  });
}
