/** Pure helpers for reordering the upcoming queue (drag and keyboard share them). */

/** A copy of `items` with the one at `from` moved so that it ends up at index `to`. */
export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  const copy = items.slice();
  if (from < 0 || from >= copy.length) return copy;
  const [item] = copy.splice(from, 1);
  const target = Math.min(Math.max(0, to), copy.length);
  copy.splice(target, 0, item as T);
  return copy;
}

/**
 * The index a dragged item lands on when the pointer is at `y`: the number of the other items whose vertical
 * middle is above it. `middles` are those other items' middles, top to bottom (the dragged one left out).
 */
export function dropIndex(middles: readonly number[], y: number): number {
  let index = 0;
  for (const middle of middles) if (y > middle) index++;
  return index;
}
