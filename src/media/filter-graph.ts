import { presetSpeed, type FilterPreset } from '../core/audio-filter.js';

/**
 * Everything a stream's sound depends on besides its bytes. Pure data; `audioFilterGraph` turns it into one
 * ffmpeg `-af` chain, so a filter, the volume and loudness normalization all share one ffmpeg per stream.
 */
export interface AudioEffects {
  /** 1 = unchanged. */
  readonly volume: number;
  readonly filter: FilterPreset;
  /** Loudness normalization gain in dB (0 or absent: none). */
  readonly gainDb?: number;
  /** Live streams: a gentle dynamic normalizer instead of a fixed gain (their loudness can't be measured ahead). */
  readonly dynamicNormalize?: boolean;
}

export const NO_EFFECTS: AudioEffects = { volume: 1, filter: 'off' };

/**
 * Ceiling of the true-peak limiter: -1 dBTP, the streaming services' ceiling, leaves room for the Opus
 * encoder's own overshoot.
 */
const LIMIT = 0.891;

/**
 * The graph of each preset, written for a 48 kHz stereo input (the chain starts with `aresample=48000`).
 * Speed presets change rate and pitch together, as the genres do (no time-stretching): the samples are
 * reinterpreted at 1.25× / 0.8× the rate and resampled back to 48 kHz.
 */
const PRESET_GRAPHS: Readonly<Record<FilterPreset, readonly string[]>> = {
  off: [],
  bassboost: ['bass=g=8:f=110:w=0.6'],
  nightcore: [`asetrate=${48_000 * presetSpeed('nightcore')}`, 'aresample=48000'],
  vaporwave: [`asetrate=${48_000 * presetSpeed('vaporwave')}`, 'aresample=48000'],
  // Mid (L+R, where vocals are mixed) down by 30 dB, sides (L-R) kept: the classic centre-channel removal.
  karaoke: ['stereotools=mlev=0.03'],
  // The level swings between the ears once every 8 s, which is heard as the source circling the listener.
  '8d': ['apulsator=hz=0.125:amount=0.8'],
  soft: ['treble=g=-6:f=3000', 'bass=g=2:f=150'],
  treble: ['treble=g=6:f=3000'],
  lowpass: ['lowpass=f=800'],
};

/** Presets that raise some band's level: they need the limiter so that loud tracks don't clip. */
const BOOSTS: ReadonlySet<FilterPreset> = new Set(['bassboost', 'treble', 'soft']);

/** True when the effects change nothing, so an Opus source can be passed through untouched. */
export function isNeutral(effects: AudioEffects): boolean {
  return effects.volume === 1 && effects.filter === 'off' && !effects.gainDb && effects.dynamicNormalize !== true;
}

/** The `-af` chain for `effects`, or undefined when there is nothing to do. */
export function audioFilterGraph(effects: AudioEffects): string | undefined {
  if (isNeutral(effects)) return undefined;
  const steps: string[] = [];
  const preset = PRESET_GRAPHS[effects.filter];
  if (preset.length > 0) steps.push('aresample=48000', ...preset);
  if (effects.dynamicNormalize === true) steps.push('dynaudnorm=f=500:g=31:p=0.5:m=5');
  const gainDb = (effects.gainDb ?? 0) + 20 * Math.log10(Math.max(effects.volume, 1e-4));
  if (effects.volume === 0) steps.push('volume=0');
  else if (Math.abs(gainDb) >= 0.01) steps.push(`volume=${gainDb.toFixed(2)}dB`);
  if (effects.volume !== 0 && (gainDb > 0 || BOOSTS.has(effects.filter) || effects.dynamicNormalize === true)) {
    // level=disabled: alimiter otherwise "auto-levels" its output up to the limit, undoing the gain chosen.
    steps.push(`alimiter=limit=${LIMIT}:attack=5:release=50:level=disabled`);
  }
  return steps.length > 0 ? steps.join(',') : undefined;
}

/** A stable key for comparing what two streams sound like (a preload is reusable only if its key matches). */
export const effectsKey = (effects: AudioEffects): string =>
  `${effects.volume.toFixed(3)}|${effects.filter}|${(effects.gainDb ?? 0).toFixed(2)}|${effects.dynamicNormalize === true ? 'dyn' : ''}`;
