/**
 * The audio filter presets a guild can choose (`/filter`). Pure data: what each is called, how it is described
 * to users and how fast it plays the track. The ffmpeg graph for each lives in media/filter-graph.ts.
 */
export const FILTER_PRESETS = [
  'off',
  'bassboost',
  'nightcore',
  'vaporwave',
  'karaoke',
  '8d',
  'soft',
  'treble',
  'lowpass',
] as const;

export type FilterPreset = (typeof FILTER_PRESETS)[number];

export const isFilterPreset = (value: string): value is FilterPreset =>
  (FILTER_PRESETS as readonly string[]).includes(value);

/** What users see in `/filter`, `/nowplaying` and the preset picker. */
export const FILTER_LABELS: Readonly<Record<FilterPreset, string>> = {
  off: 'off',
  bassboost: 'bass boost',
  nightcore: 'nightcore (1.25× speed and pitch)',
  vaporwave: 'vaporwave (0.8× speed and pitch)',
  karaoke: 'karaoke (centre vocals removed)',
  '8d': '8D (sound circles around you)',
  soft: 'soft (highs rounded off)',
  treble: 'treble boost',
  lowpass: 'low-pass (muffled)',
};

/**
 * Track time per second of playback. Invariant: positions (progress bar, /seek, restarts) are always in track
 * time, so a stream that started at `offsetMs` and has played `p` wall milliseconds is at `offsetMs + p × speed`.
 */
export function presetSpeed(preset: FilterPreset): number {
  if (preset === 'nightcore') return 1.25;
  if (preset === 'vaporwave') return 0.8;
  return 1;
}
