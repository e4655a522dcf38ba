import { encodePng } from './png.js';
import type { MinuteSample } from './status-history.js';

const BAR = 4; // pixels per minute
const SENT_HEIGHT = 48;
const GAP = 2;
const DEFICIT_HEIGHT = 14;
/** The deficit strip is full at 5 % of due frames; a healthy bot stays near 0. */
const DEFICIT_FULL_SCALE = 0.05;
const PALETTE = [
  [0x2b, 0x2d, 0x31], // 0 background (Discord's dark theme)
  [0x3f, 0x41, 0x47], // 1 grid / empty minute
  [0x57, 0xf2, 0x87], // 2 frames sent
  [0xed, 0x42, 0x45], // 3 late + missing
] as const;

/**
 * A small PNG of the last hour: one column per minute, green = frames sent (relative to the busiest minute),
 * and under it a red strip = share of due frames that were late or missing (full at 5 %). Empty minutes
 * (before start-up) are a grey baseline. 240×64 px, typically a few hundred bytes.
 */
export function renderFrameChart(samples: readonly MinuteSample[], minutes = 60): Buffer {
  const width = minutes * BAR;
  const height = SENT_HEIGHT + GAP + DEFICIT_HEIGHT;
  const pixels = new Uint8Array(width * height);
  const recent = samples.slice(-minutes);
  const offset = minutes - recent.length;
  const busiest = Math.max(1, ...recent.map((s) => s.sent));
  const fill = (x0: number, y0: number, w: number, h: number, colour: number) => {
    for (let y = y0; y < y0 + h; y++) pixels.fill(colour, y * width + x0, y * width + x0 + w);
  };
  for (let i = 0; i < minutes; i++) {
    const x = i * BAR;
    fill(x, SENT_HEIGHT - 1, BAR - 1, 1, 1);
    fill(x, height - 1, BAR - 1, 1, 1);
    const s = recent[i - offset];
    if (!s) continue;
    const sentH = Math.round((s.sent / busiest) * (SENT_HEIGHT - 1));
    if (sentH > 0) fill(x, SENT_HEIGHT - 1 - sentH, BAR - 1, sentH, 2);
    const due = s.sent + s.late + s.missing;
    const share = due > 0 ? (s.late + s.missing) / due : 0;
    const defH = share > 0 ? Math.max(1, Math.round(Math.min(1, share / DEFICIT_FULL_SCALE) * DEFICIT_HEIGHT)) : 0;
    if (defH > 0) fill(x, height - defH, BAR - 1, defH, 3);
  }
  return encodePng({ width, height, palette: PALETTE, pixels });
}

const TICKS = '▁▂▃▄▅▆▇█';

/** `▁▃▅█…`: one character per value, scaled to the largest (all zero: the lowest tick). */
export function sparkline(values: readonly number[]): string {
  const top = Math.max(0, ...values);
  return values.map((v) => (top <= 0 ? TICKS[0] : TICKS[Math.min(7, Math.round((Math.max(0, v) / top) * 7))])).join('');
}

/** Sums consecutive groups of `size` values (the hour as 12 five-minute buckets for a sparkline). */
export function buckets(values: readonly number[], size: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size).reduce((a, b) => a + b, 0));
  return out;
}
