import { describe, expect, it } from 'vitest';
import type { Track } from '../../../src/core/track.js';
import { SuggestionEngine, toSuggestion } from '../../../src/resolver/suggestions.js';
import { FakeClock, flush } from '../../support/fake-clock.js';

const track = (title: string, extra: Partial<Track> = {}): Track => ({
  id: `youtube:${title.slice(0, 11).padEnd(11, 'x')}`,
  source: 'youtube',
  title,
  url: `https://www.youtube.com/watch?v=${title.replace(/\W/g, '').slice(0, 11).padEnd(11, 'x')}`,
  durationMs: 212_000,
  ...extra,
});

/** A search whose answers the test releases by hand. */
function manualSearch() {
  const calls: { text: string; release: (tracks: Track[]) => void; fail: (e: unknown) => void }[] = [];
  const search = (text: string) =>
    new Promise<readonly Track[]>((resolve, reject) => calls.push({ text, release: resolve, fail: reject }));
  return { calls, search };
}

describe('toSuggestion', () => {
  it("formats title, artist and length within Discord's 100-character limits", () => {
    expect(toSuggestion(track('Never Gonna Give You Up', { artist: 'Rick Astley' }))).toEqual({
      name: 'Never Gonna Give You Up — Rick Astley (3:32)',
      value: 'https://www.youtube.com/watch?v=NeverGonnaG',
    });
    const long = toSuggestion(track('A'.repeat(150), { isLive: true, url: `https://example.com/${'x'.repeat(120)}` }));
    expect(long.name.length).toBeLessThanOrEqual(100);
    expect(long.name.endsWith('… (live)')).toBe(true);
    expect(long.value.length).toBeLessThanOrEqual(100);
  });
});

describe('SuggestionEngine', () => {
  it('answers from the search, then from the cache for the same (normalised) text', async () => {
    const clock = new FakeClock();
    const { calls, search } = manualSearch();
    const engine = new SuggestionEngine({ search, clock });
    const first = engine.suggest('Never Gonna', new AbortController().signal);
    await flush();
    calls[0]?.release([track('Never Gonna Give You Up')]);
    expect((await first).map((s) => s.name)).toEqual(['Never Gonna Give You Up (3:32)']);
    const again = await engine.suggest('  never   gonna ', new AbortController().signal);
    expect(again).toHaveLength(1);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.text).toBe('never gonna');
  });

  it('gives up after the deadline with an empty list, and the late answer fills the cache', async () => {
    const clock = new FakeClock();
    const { calls, search } = manualSearch();
    const engine = new SuggestionEngine({ search, clock, timeoutMs: 2_000 });
    const answer = engine.suggest('bohemian', new AbortController().signal);
    await clock.advance(2_000);
    expect(await answer).toEqual([]);
    calls[0]?.release([track('Bohemian Rhapsody')]);
    await flush();
    expect((await engine.suggest('bohemian', new AbortController().signal)).map((s) => s.name)).toEqual([
      'Bohemian Rhapsody (3:32)',
    ]);
    expect(engine.stats()).toEqual({ answered: 2, cached: 1, timedOut: 1 });
  });

  it('falls back to a cached shorter prefix while a new search is slow, keeping results that fit', async () => {
    const clock = new FakeClock();
    const { calls, search } = manualSearch();
    const engine = new SuggestionEngine({ search, clock, timeoutMs: 1_000 });
    const warm = engine.suggest('queen bo', new AbortController().signal);
    await flush();
    calls[0]?.release([track('Bohemian Rhapsody', { artist: 'Queen' }), track('Bicycle Race', { artist: 'Queen' })]);
    await warm;
    const slow = engine.suggest('queen boh', new AbortController().signal);
    await clock.advance(1_000);
    expect((await slow).map((s) => s.name)).toEqual([
      'Bohemian Rhapsody — Queen (3:32)',
      'Bicycle Race — Queen (3:32)',
    ]);
    const narrower = engine.suggest('queen bohemian rh', new AbortController().signal);
    await clock.advance(1_000);
    expect((await narrower).map((s) => s.name)).toEqual(['Bohemian Rhapsody — Queen (3:32)']);
  });

  it('stays quiet for short text, links, failed searches and callers that stop waiting', async () => {
    const clock = new FakeClock();
    const { calls, search } = manualSearch();
    const engine = new SuggestionEngine({ search, clock });
    expect(await engine.suggest('a', new AbortController().signal)).toEqual([]);
    expect(await engine.suggest('https://youtu.be/dQw4w9WgXcQ', new AbortController().signal)).toEqual([]);
    const failing = engine.suggest('error please', new AbortController().signal);
    await flush();
    calls[0]?.fail(new Error('yt-dlp crashed'));
    expect(await failing).toEqual([]);
    const controller = new AbortController();
    const abandoned = engine.suggest('abandoned', controller.signal);
    controller.abort();
    expect(await abandoned).toEqual([]);
  });
});
