/**
 * Lyrics as text: LRC parsing (`[mm:ss.xx] words`, several stamps per line, an `[offset:±ms]` tag), finding
 * the line sung at a moment, and plain lyrics cut into pages. Pure.
 */
export interface LrcLine {
  readonly timeMs: number;
  readonly text: string;
}

/** Most lines kept from one file (a hostile file cannot cost more). */
const MAX_LINES = 2000;
const STAMP = /\[(\d{1,3}):(\d{1,2})(?:[.:](\d{1,3}))?\]/g;

/** Timed lines in time order; lines without a stamp (and metadata tags like `[ar:…]`) are dropped. */
export function parseLrc(text: string): LrcLine[] {
  const offset = Number(/\[offset:\s*([+-]?\d+)\s*\]/i.exec(text)?.[1] ?? 0);
  const lines: LrcLine[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const stamps = [...raw.matchAll(STAMP)];
    if (stamps.length === 0) continue;
    const words = raw.replace(STAMP, '').trim();
    for (const stamp of stamps) {
      const fraction = stamp[3] ?? '0';
      const ms = Number(stamp[1]) * 60_000 + Number(stamp[2]) * 1000 + Number(fraction.padEnd(3, '0').slice(0, 3));
      // A positive offset makes lyrics come sooner (LRC convention).
      lines.push({ timeMs: Math.max(0, ms - offset), text: words });
    }
    if (lines.length >= MAX_LINES) break;
  }
  return lines.sort((a, b) => a.timeMs - b.timeMs);
}

/** Index of the line sung at `ms`: the last whose time has passed; -1 before the first. */
export function lineAt(lines: readonly LrcLine[], ms: number): number {
  let lo = 0;
  let hi = lines.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((lines[mid] as LrcLine).timeMs <= ms) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Plain lyrics in pages of whole lines, each at most `maxChars` (long lines are cut). */
export function pageLyrics(text: string, maxChars = 1500, maxLines = 25): string[][] {
  const pages: string[][] = [];
  let page: string[] = [];
  let size = 0;
  for (const raw of text.split(/\r?\n/).slice(0, MAX_LINES)) {
    const line = raw.trimEnd().slice(0, 200);
    if (page.length > 0 && (size + line.length + 1 > maxChars || page.length >= maxLines)) {
      pages.push(page);
      [page, size] = [[], 0];
    }
    page.push(line);
    size += line.length + 1;
  }
  if (page.some((l) => l.trim() !== '')) pages.push(page);
  return pages.length > 0 ? pages : [[]];
}
