/**
 * Parsing of `/seek` positions. Pure: no session, no Discord, so every accepted spelling is unit-tested.
 *
 * Accepted: `83` (seconds), `1:23`, `1:02:03` (clock form; minutes and seconds after the first field must be
 * below 60, as on a clock) and the same with a sign, `+10` / `-1:00`, meaning relative to where playback is.
 */

export type SeekTarget =
  | { readonly kind: 'absolute'; readonly ms: number }
  | { readonly kind: 'relative'; readonly deltaMs: number };

/** Longest position anyone could mean (a day): keeps the arithmetic far from precision limits. */
const MAX_SECONDS = 24 * 60 * 60;
const PATTERN = /^([+-])?\s*(\d{1,5})(?::(\d{1,2}))?(?::(\d{1,2}))?$/;

/** `'1:23'` → absolute 83 000 ms; `'-10'` → relative -10 000 ms; anything else → `null`. */
export function parseSeekTarget(input: string): SeekTarget | null {
  const match = PATTERN.exec(input.trim());
  if (!match) return null;
  const [, sign, first, second, third] = match;
  const fields = [first, second, third].filter((f): f is string => f !== undefined).map(Number);
  if (fields.slice(1).some((f) => f >= 60)) return null;
  const seconds = fields.reduce((total, field) => total * 60 + field, 0);
  if (seconds > MAX_SECONDS) return null;
  const ms = seconds * 1000;
  if (sign === undefined) return { kind: 'absolute', ms };
  return { kind: 'relative', deltaMs: sign === '-' ? -ms : ms };
}

/** Where to seek to, given where playback is now; rewinding past the start lands on the start. */
export function resolveSeekTarget(target: SeekTarget, elapsedMs: number): number {
  if (target.kind === 'absolute') return target.ms;
  return Math.max(0, Math.floor(elapsedMs) + target.deltaMs);
}
