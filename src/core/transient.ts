/**
 * Transient-failure marking, shared by the worker pool (which retries only these) and the adapters
 * (which know whether a failure may go away on its own: a reset socket, a 5xx, a yt-dlp network error).
 *
 * Duck-typed on purpose: any error with `transient === true` qualifies, so an adapter marks its own error
 * classes without a shared base class. Pure, so it lives in core where both layers can reach it.
 */

/** An error whose cause may clear on its own, so retrying after a back-off is worthwhile. */
export interface TransientMarked {
  readonly transient: true;
}

/** True when `error` is an object carrying `transient: true`. Never throws. */
export const isTransient = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { transient?: unknown }).transient === true;

/**
 * Marks an existing error as transient and returns it (so `throw markTransient(err)` reads naturally).
 * Non-objects are wrapped in an `Error` first, because a primitive cannot carry the mark.
 */
export function markTransient<E>(error: E): (E extends object ? E : Error) & TransientMarked {
  const target: object = typeof error === 'object' && error !== null ? error : new Error(String(error));
  Object.defineProperty(target, 'transient', { value: true, enumerable: false, configurable: true });
  return target as (E extends object ? E : Error) & TransientMarked;
}

/** A plain error that is transient from birth (for adapters without their own error class). */
export class TransientError extends Error implements TransientMarked {
  readonly transient = true as const;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TransientError';
  }
}

/** True for the `AbortError` a caller's `AbortSignal` produces (not a failure of the work itself). */
export const isAbortError = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
