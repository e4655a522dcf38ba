import { describe, expect, it } from 'vitest';
import type { Track } from '../../src/core/track.js';
import type { Logger } from '../../src/ports/logger.js';
import { fadeFor } from '../../src/session/crossfader.js';
import { flush } from '../support/fake-clock.js';
import { fakeSession, track } from '../support/fake-voice.js';

const _silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => _silent };
const alice = { id: 'u1', name: 'Alice' };

/** A session on a manual clock; `at(ms)` moves the clock and the link's playback position together. */
function setup(seconds: number) {
  const setting = { seconds };
  const { clock, link, loader, session } = fakeSession({ crossfadeSeconds: () => setting.seconds }, 1_700_000_000_000);
  const at = async (ms: number) => {
    const step = ms - link.position;
    link.position = ms;
    await clock.advance(step);
    await flush();
  };
  return { clock, link, loader, session, setting, at };
}

const titleOf = (audio: unknown): string | undefined => (audio as { title?: string } | undefined)?.title;

async function play(s: ReturnType<typeof setup>, tracks: Track[]) {
  await (await s.session.enqueue(tracks, alice)).started;
  await s.at(0); // the preload window of a short track is open at once: the next track opens
}

describe('fadeFor', () => {
  const a = { ...track('A', 10_000), entryId: 1, requester: alice, addedAt: 0 };
  it('is the setting, shortened so neither track is more than half overlap, and 0 for unknown or live tracks', () => {
    expect(fadeFor(3000, a, { ...a, entryId: 2 })).toBe(3000);
    expect(fadeFor(12_000, a, { ...a, entryId: 2 })).toBe(5000); // 10 s tracks: at most 5 s each
    expect(fadeFor(3000, a, { ...a, entryId: 2, durationMs: 2000 })).toBe(1000); // B shorter than twice the fade
    expect(fadeFor(3000, a, { ...a, entryId: 2, durationMs: null })).toBe(0);
    expect(fadeFor(3000, a, { ...a, entryId: 2, isLive: true })).toBe(0);
    expect(fadeFor(3000, { ...a, durationMs: null }, { ...a, entryId: 2 })).toBe(0);
    expect(fadeFor(3000, a, { ...a, entryId: 2 }, 1.25)).toBe(3000);
    expect(fadeFor(12_000, a, { ...a, entryId: 2 }, 1.25)).toBe(4000); // nightcore: 8 s played per 10 s track
  });
});

describe('crossfade in the session', () => {
  it('starts the overlap at duration - fade, makes B current from its first frame, releases A only when told', async () => {
    const s = setup(3);
    await play(s, [track('A', 10_000), track('B', 10_000)]);
    await s.at(6_900);
    expect(s.link.crossfades).toEqual([]); // not yet
    await s.at(7_000);
    expect(s.link.crossfades.map((c) => [titleOf(c.audio), c.fadeMs])).toEqual([['B', 3000]]);
    expect(s.session.queue.current?.title).toBe('B');
    expect(s.session.queue.history.map((e) => e.title)).toEqual(['A']);
    const state = s.session.state;
    expect(state.status === 'playing' && state.entry.title).toBe('B');
    expect(s.session.elapsedMs()).toBe(0); // B's own position, from the start of the overlap
    // A's stream plays on inside the mix until the link releases it.
    const aSignal = s.loader.loads[0]?.options.signal;
    expect(aSignal?.aborted).toBe(false);
    s.link.crossfades[0]?.released();
    expect(aSignal?.aborted).toBe(true);
    expect(s.loader.loads.length).toBe(2); // B was the preloaded stream, not opened again
  });

  it('with 0 there is no overlap: A ends and B follows as before', async () => {
    const s = setup(0);
    await play(s, [track('A', 10_000), track('B', 10_000)]);
    await s.at(10_000);
    expect(s.link.crossfades).toEqual([]);
    s.link.finish();
    await flush();
    expect(titleOf(s.link.playing)).toBe('B');
  });

  it('a track shorter than twice the fade shortens it (here B: 2 s, so 1 s)', async () => {
    const s = setup(3);
    await play(s, [track('A', 4_000), track('B', 2_000)]);
    await s.at(2_000); // A alone would fade at 2 s (half of it)…
    expect(s.link.crossfades).toEqual([]);
    await s.at(3_000); // …but B allows only 1 s
    expect(s.link.crossfades.map((c) => c.fadeMs)).toEqual([1000]);
  });

  it('never crossfades a track of unknown length or into a live stream; the end of the queue ends as before', async () => {
    const unknown = setup(3);
    await play(unknown, [track('A', null), track('B', 10_000)]);
    await unknown.at(60_000);
    expect(unknown.link.crossfades).toEqual([]);
    const live = setup(3);
    await play(live, [track('A', 10_000), { ...track('radio', null), isLive: true }]);
    await live.at(10_000);
    expect(live.link.crossfades).toEqual([]);
    const last = setup(3);
    await play(last, [track('A', 10_000)]);
    await last.at(10_000);
    expect(last.link.crossfades).toEqual([]);
    last.link.finish();
    await flush();
    expect(last.session.state.status).toBe('idle');
  });

  it('waits for a next track still opening, then fades over what is left', async () => {
    const s = setup(3);
    let open: () => void = () => undefined;
    s.loader.delays.set('B', new Promise<void>((resolve) => (open = resolve)));
    await play(s, [track('A', 10_000), track('B', 10_000)]);
    await s.at(7_000);
    expect(s.link.crossfades).toEqual([]);
    await s.at(8_000);
    open();
    await flush();
    await s.at(8_100); // the next look after it opened
    expect(s.link.crossfades.map((c) => c.fadeMs)).toEqual([1900]);
  });

  it('a skip is immediate (no fade), and a setting changed mid-track applies to its fade point', async () => {
    const s = setup(0);
    await play(s, [track('A', 10_000), track('B', 10_000), track('C', 10_000)]);
    await s.session.skip();
    await flush();
    expect(titleOf(s.link.playing)).toBe('B');
    expect(s.link.crossfades).toEqual([]);
    s.setting.seconds = 2;
    await s.session.retimeCrossfade();
    await s.at(8_000);
    expect(s.link.crossfades.map((c) => [titleOf(c.audio), c.fadeMs])).toEqual([['C', 2000]]);
  });

  it('a refused crossfade starts the next track anyway', async () => {
    const s = setup(3);
    s.link.canCrossfade = false;
    await play(s, [track('A', 10_000), track('B', 10_000)]);
    await s.at(7_000);
    await flush();
    expect(titleOf(s.link.playing)).toBe('B');
    expect(s.session.queue.current?.title).toBe('B');
  });
});
