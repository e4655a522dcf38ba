/**
 * Parsing of queue position ranges for `/remove`: `3` or `3-7` (inclusive, 1-based, as `/queue` shows them).
 * Pure; whether the positions exist is the queue's business (it answers with the valid range).
 */

export interface PositionRange {
  readonly from: number;
  readonly to: number;
}

/** Dashes people type: hyphen, en dash, em dash, minus sign. */
const PATTERN = /^(\d{1,6})(?:\s*[-\u2013\u2014\u2212]\s*(\d{1,6}))?$/;

/** `'3'` → 3..3, `'3-7'` → 3..7; malformed, zero or backwards ranges → `null`. */
export function parsePositionRange(input: string): PositionRange | null {
  const match = PATTERN.exec(input.trim());
  if (!match) return null;
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  if (from < 1 || to < from) return null;
  return { from, to };
}
