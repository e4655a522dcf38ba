import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FILTER_PRESETS, presetSpeed } from '../../../src/core/audio-filter.js';
import { audioFilterGraph, effectsKey, isNeutral, NO_EFFECTS } from '../../../src/media/filter-graph.js';
import { dominantFrequency, rms } from '../../offline-discord/audio.js';

/** Runs a 440 Hz stereo tone (identical channels, 44.1 kHz to prove the chain resamples) through `graph`. */
function render(graph: string, seconds = 2): Int16Array {
  const out = execFileSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=440:sample_rate=44100:duration=${seconds}`,
      '-ac',
      '2',
      '-af',
      graph,
      '-ar',
      '48000',
      '-f',
      's16le',
      'pipe:1',
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return new Int16Array(out.buffer, out.byteOffset, out.byteLength / 2);
}

const db = (ratio: number) => 20 * Math.log10(ratio);

describe('audioFilterGraph', () => {
  it('is empty for no effects, so passthrough stays possible', () => {
    expect(isNeutral(NO_EFFECTS)).toBe(true);
    expect(audioFilterGraph(NO_EFFECTS)).toBeUndefined();
    expect(audioFilterGraph({ volume: 1, filter: 'off', gainDb: 0 })).toBeUndefined();
    expect(isNeutral({ volume: 1, filter: 'karaoke' })).toBe(false);
    expect(isNeutral({ volume: 1, filter: 'off', gainDb: -3 })).toBe(false);
  });

  it.each(FILTER_PRESETS.filter((p) => p !== 'off'))('%s is a graph ffmpeg accepts', (filter) => {
    const graph = audioFilterGraph({ volume: 0.8, filter });
    expect(graph).toContain('volume=');
    expect(render(graph ?? 'anull', 0.5).length).toBeGreaterThan(0);
  });

  it('nightcore and vaporwave shift pitch by their speed and shorten or lengthen the track', () => {
    for (const filter of ['nightcore', 'vaporwave'] as const) {
      const pcm = render(audioFilterGraph({ volume: 1, filter }) ?? '');
      expect(dominantFrequency(pcm)).toBeCloseTo(440 * presetSpeed(filter), 0);
      expect(pcm.length / 2 / 48_000).toBeCloseTo(2 / presetSpeed(filter), 1);
    }
  });

  it('karaoke removes what is identical in both channels by well over 15 dB', () => {
    const plain = rms(render('anull'));
    const karaoke = rms(render(audioFilterGraph({ volume: 1, filter: 'karaoke' }) ?? ''));
    expect(db(karaoke / plain)).toBeLessThan(-25);
  });

  it('applies volume and normalization gain as one volume step, limited to -1 dBTP when it boosts', () => {
    expect(audioFilterGraph({ volume: 0.5, filter: 'off' })).toBe('volume=-6.02dB');
    const boosted = audioFilterGraph({ volume: 1, filter: 'off', gainDb: 30 }) ?? '';
    expect(boosted).toMatch(/^volume=30\.00dB,alimiter=limit=0\.891/);
    const pcm = render(boosted);
    const peak = pcm.reduce((max, v) => Math.max(max, Math.abs(v)), 0) / 32768;
    expect(db(peak)).toBeLessThan(-0.5);
    expect(audioFilterGraph({ volume: 0, filter: 'off' })).toBe('volume=0');
    expect(audioFilterGraph({ volume: 1, filter: 'off', dynamicNormalize: true })).toMatch(/^dynaudnorm=.*alimiter/);
  });

  it('keys differ whenever the sound would', () => {
    expect(effectsKey(NO_EFFECTS)).toBe(effectsKey({ volume: 1, filter: 'off', gainDb: 0 }));
    expect(effectsKey(NO_EFFECTS)).not.toBe(effectsKey({ volume: 1, filter: '8d' }));
  });
});
