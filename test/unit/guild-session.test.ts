import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import type { Logger } from '../../src/ports/logger.js';
import { EngineRestart } from '../../src/ports/voice.js';
import { PRELOAD_LEAD_MS } from '../../src/session/preloader.js';
import type { SessionState } from '../../src/session/session-state.js';
import { flush } from '../support/fake-clock.js';
import { type FakeLink, type FakeLoader, fakeSession, track } from '../support/fake-voice.js';

const _silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => _silent };
const alice = { id: 'u1', name: 'Alice' };

function setup() {
  const fixture = fakeSession();
  const states: SessionState['status'][] = [];
  fixture.session.on('stateChange', (_old, next) => states.push(next.status));
  return { ...fixture, states };
}

const titleOf = (link: FakeLink): string | undefined =>
  (link.playing as unknown as { title?: string } | undefined)?.title;
/**
 * Lets every reaction to what just happened run (promise chains, stream events): a few macrotask turns.
 * Time does not move; timers fire only through `clock.advance`.
 */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await flush();
}
async function waitFor(condition: () => boolean, turns = 200): Promise<void> {
  for (let i = 0; !condition(); i += 1) {
    if (i >= turns) throw new Error('condition not met');
    await flush();
  }
}

describe('GuildSession', () => {
  it('starts the first track, queues the rest, advances when a track ends, then goes idle', async () => {
    const { link, session, states } = setup();
    const first = await session.enqueue([track('A')], alice);
    expect(await first.started).toEqual({ ok: true });
    const second = await session.enqueue([track('B')], alice);
    expect(second.started).toBeUndefined();
    expect(second.position).toBe(1);
    expect(titleOf(link)).toBe('A');
    link.finish();
    await settle();
    expect(titleOf(link)).toBe('B');
    link.finish();
    await settle();
    expect(session.state.status).toBe('idle');
    expect(states).toEqual(['loading', 'playing', 'loading', 'playing', 'idle']);
  });

  it('skips to the next track without the stop being mistaken for a natural end', async () => {
    const { link, session } = setup();
    await (await session.enqueue([track('A'), track('B'), track('C')], alice)).started;
    const skipped = await session.skip();
    expect(skipped.map((e) => e.title)).toEqual(['A']);
    await settle();
    expect(titleOf(link)).toBe('B');
    expect(session.queue.length).toBe(1); // C still queued: the stop did not advance twice
  });

  it('reports a track that fails to load in the channel and moves on', async () => {
    const { clock, link, loader, sent, session } = setup();
    loader.failing.set('B', new UserError('BROKEN_MEDIA'));
    await (await session.enqueue([track('A'), track('B'), track('C')], alice)).started;
    link.finish();
    await clock.advance(150); // the back-off before the next track (100 ms for a run's first failure)
    expect(titleOf(link)).toBe('C');
    expect(sent).toEqual([expect.stringMatching(/Couldn't play \*\*B\*\*.*couldn't be decoded/)]);
  });

  it('lets the command report the first track failure itself (no duplicate channel message)', async () => {
    const { loader, sent, session } = setup();
    loader.failing.set('A', new UserError('NOT_AUDIO'));
    const outcome = await (await session.enqueue([track('A')], alice)).started;
    expect(outcome).toMatchObject({ ok: false });
    expect(sent).toEqual([]);
    expect(session.state.status).toBe('idle');
  });

  it('pauses and resumes with clear errors when it does not apply', async () => {
    const { link, session } = setup();
    await expect(session.pause()).rejects.toMatchObject({ code: 'NOTHING_PLAYING' });
    await (await session.enqueue([track('A')], alice)).started;
    await session.pause();
    expect(link.paused).toBe(true);
    await expect(session.pause()).rejects.toMatchObject({ code: 'ALREADY_PAUSED' });
    await session.resume();
    expect(link.paused).toBe(false);
    await expect(session.resume()).rejects.toMatchObject({ code: 'NOT_PAUSED' });
  });

  it('stop clears everything and releases the stream', async () => {
    const { link, session } = setup();
    await (await session.enqueue([track('A'), track('B')], alice)).started;
    const audio = link.playing;
    await session.stop();
    expect(session.state.status).toBe('idle');
    expect(session.queue.isEmpty).toBe(true);
    expect(audio?.stream.destroyed).toBe(true);
  });

  it('a skip during a slow load aborts it and plays the next one', async () => {
    const { link, loader, session } = setup();
    let release!: () => void;
    loader.delays.set('A', new Promise((resolve) => (release = resolve)));
    const result = await session.enqueue([track('A'), track('B')], alice);
    await session.skip();
    release();
    await result.started;
    await settle();
    expect(titleOf(link)).toBe('B');
    expect(loader.loads[0]?.options.signal.aborted).toBe(true);
  });

  it('ends for good when the voice link is gone (kicked) and refuses further work', async () => {
    const { link, session } = setup();
    await (await session.enqueue([track('A')], alice)).started;
    link.emit('gone', 'kicked');
    expect(session.state).toEqual({ status: 'destroyed', reason: 'kicked' });
    expect(link.destroyed).toBe(true);
    await expect(session.enqueue([track('B')], alice)).rejects.toBeInstanceOf(UserError);
  });
});

describe('GuildSession recovery, seek, volume, previous', () => {
  it('reopens a stream that fails mid-track once, at the position it reached', async () => {
    const { clock, link, loader, sent, session } = setup();
    await (await session.enqueue([track('A'), track('B')], alice)).started;
    link.finish(new Error('socket hang up'), 20_000);
    await settle();
    expect(loader.loads.map((l) => [l.track.title, l.options.startMs])).toEqual([
      ['A', 0],
      ['A', 20_000],
    ]);
    expect(titleOf(link)).toBe('A');
    expect(sent).toEqual([]);
    link.finish(new Error('socket hang up again'), 5_000);
    await clock.advance(150); // the back-off before the next track (100 ms for a run's first failure)
    expect(titleOf(link)).toBe('B');
    expect(sent).toEqual([expect.stringMatching(/Couldn't play \*\*A\*\*/)]);
  });

  it('picks a track up where it was after its audio worker was replaced, as often as that happens', async () => {
    const { link, loader, sent, session } = setup();
    await (await session.enqueue([track('A'), track('B')], alice)).started;
    link.finish(new EngineRestart(), 20_000);
    await settle();
    link.finish(new EngineRestart(), 5_000); // a second restart: not counted against the track's one retry
    await settle();
    expect(loader.loads.map((l) => [l.track.title, l.options.startMs])).toEqual([
      ['A', 0],
      ['A', 20_000],
      ['A', 25_000],
    ]);
    expect(titleOf(link)).toBe('A');
    expect(sent).toEqual([]);
  });

  it('keeps a paused track paused when its audio worker was replaced, and reopens it there on resume', async () => {
    const { link, loader, session } = setup();
    await (await session.enqueue([track('A')], alice)).started;
    link.position = 30_000;
    session.pause();
    link.finish(new EngineRestart(), 30_000);
    await settle();
    expect(session.state.status).toBe('paused');
    expect(loader.loads).toHaveLength(1);
    session.resume();
    await waitFor(() => loader.loads.length === 2);
    expect(loader.loads[1]?.options.startMs).toBe(30_000);
  });

  it('treats a stream that ends well before its duration as cut', async () => {
    const { link, loader, session } = setup();
    await (await session.enqueue([track('A', 60_000)], alice)).started;
    link.finish(undefined, 10_000);
    await settle();
    expect(loader.loads.at(-1)?.options.startMs).toBe(10_000);
  });

  it('seeks within the track without re-resolving and refuses positions outside it', async () => {
    const { link, loader, session } = setup();
    await (await session.enqueue([track('A', 60_000)], alice)).started;
    await session.seek(30_000);
    await settle();
    expect(loader.loads.at(-1)?.options.startMs).toBe(30_000);
    link.position = 1000;
    expect(session.elapsedMs()).toBe(31_000);
    await expect(session.seek(61_000)).rejects.toMatchObject({ code: 'SEEK_OUT_OF_RANGE' });
  });

  it('reopens a little ahead with the new volume and takes over when playback gets there, without a stop', async () => {
    const { clock, link, loader, session, states } = setup();
    await (await session.enqueue([track('A', 60_000)], alice)).started;
    link.position = 12_000;
    await session.setVolume(50);
    await settle();
    expect(loader.loads.at(-1)?.options).toMatchObject({ startMs: 12_500, volume: 0.5 });
    expect(link.played).toHaveLength(1); // the old stream plays on until 12.5 s
    link.position = 12_500;
    await clock.advance(600); // the takeover waits for playback to reach the reopened stream's start
    await waitFor(() => link.played.length === 2);
    expect(session.elapsedMs()).toBe(12_500);
    expect(states).toEqual(['loading', 'playing', 'playing']);
  });

  it('keeps positions in track time under a speed-changing filter', async () => {
    const { clock, link, loader, session } = setup();
    await (await session.enqueue([track('A', 60_000), track('B')], alice)).started;
    link.position = 10_000;
    await session.setFilter('nightcore');
    link.position = 10_500;
    await clock.advance(600); // the takeover waits for playback to reach the reopened stream's start
    await waitFor(() => link.played.length === 2);
    expect(loader.loads.at(-1)?.options).toMatchObject({ startMs: 10_500, filter: 'nightcore' });
    link.position = 4_000;
    expect(session.elapsedMs()).toBe(15_500); // 4 s of playback at 1.25× is 5 s of track
    expect(session.filter).toBe('nightcore');
    expect(session.snapshot().filter).toBe('nightcore'); // kept over a restart
    link.finish();
    await settle();
    expect(loader.loads.at(-1)?.options).toMatchObject({ startMs: 0, filter: 'nightcore' }); // B keeps the filter
  });

  it('applies a filter chosen while paused when playback resumes', async () => {
    const { link, loader, session } = setup();
    await (await session.enqueue([track('A', 60_000)], alice)).started;
    link.position = 5_000;
    await session.pause();
    await session.setFilter('karaoke');
    expect(link.played).toHaveLength(1);
    await session.resume();
    await settle();
    expect(loader.loads.at(-1)?.options).toMatchObject({ startMs: 5_000, filter: 'karaoke' });
    expect(session.state.status).toBe('playing');
  });

  it('previous plays the last track again and keeps the current one next', async () => {
    const { link, session } = setup();
    await (await session.enqueue([track('A'), track('B')], alice)).started;
    link.finish();
    await settle();
    expect(titleOf(link)).toBe('B');
    await session.previous();
    await settle();
    expect(titleOf(link)).toBe('A');
    expect(session.queue.at(0)?.title).toBe('B');
  });

  it('loop track repeats, loop queue cycles', async () => {
    const { link, session } = setup();
    await (await session.enqueue([track('A'), track('B')], alice)).started;
    await session.setLoop('track');
    link.finish();
    await settle();
    expect(titleOf(link)).toBe('A');
    await session.setLoop('queue');
    link.finish();
    await settle();
    link.finish();
    await settle();
    expect(titleOf(link)).toBe('A');
  });

  it('play now jumps ahead of the queue', async () => {
    const { link, session } = setup();
    await (await session.enqueue([track('A'), track('B')], alice)).started;
    await (await session.enqueue([track('N')], alice, 'now')).started;
    await settle();
    expect(titleOf(link)).toBe('N');
    expect(session.queue.at(0)?.title).toBe('B');
  });

  it('snapshots what a restart needs', async () => {
    const { link, session } = setup();
    await (await session.enqueue([track('A'), track('B')], alice)).started;
    link.position = 7000;
    const snap = session.snapshot();
    expect(snap).toMatchObject({
      guildId: 'g1',
      voiceChannelId: 'voice-1',
      textChannelId: 'text-1',
      positionMs: 7000,
      paused: false,
      volume: 1,
    });
    expect(snap.queue.current?.title).toBe('A');
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
  });
});

describe('GuildSession gapless transitions', () => {
  const drain = (link: FakeLink) => {
    const stream = link.playing?.stream as import('node:stream').PassThrough;
    stream.resume();
    stream.end();
  };

  it('opens the next track when the current source is drained, and starts it from that preload', async () => {
    const { link, loader, session } = setup();
    await (await session.enqueue([track('A'), track('B')], alice)).started;
    drain(link);
    await settle();
    expect(loader.loads.map((l) => l.track.title)).toEqual(['A', 'B']);
    expect(link.seamlessCalls).toBe(1);
    link.finish();
    await settle();
    expect(titleOf(link)).toBe('B');
    expect(loader.loads).toHaveLength(2); // B was not loaded a second time
  });

  it('drops a preload that is no longer next (queue edited) and loads the right track', async () => {
    const { link, loader, session } = setup();
    await (await session.enqueue([track('A'), track('B'), track('C')], alice)).started;
    drain(link);
    await settle();
    const preloaded = loader.loads.at(-1);
    await session.editQueue((q) => q.remove(1));
    link.finish();
    await settle();
    expect(titleOf(link)).toBe('C');
    expect(preloaded?.options.signal.aborted).toBe(true);
  });

  it('repeats a looping track from a preload too', async () => {
    const { link, loader, session } = setup();
    await (await session.enqueue([track('A')], alice)).started;
    await session.setLoop('track');
    drain(link);
    await settle();
    link.finish();
    await settle();
    expect(titleOf(link)).toBe('A');
    expect(loader.loads).toHaveLength(2);
  });

  it('falls back to a fresh load when the preload failed', async () => {
    const { link, loader, session } = setup();
    await (await session.enqueue([track('A'), track('B')], alice)).started;
    loader.failing.set('B', new Error('stale connection'));
    drain(link);
    await settle();
    loader.failing.delete('B');
    link.finish();
    await settle();
    expect(titleOf(link)).toBe('B');
    expect(loader.loads.map((l) => l.track.title)).toEqual(['A', 'B', 'B']);
  });
});

describe('GuildSession gapless transitions, late additions', () => {
  it('preloads a track queued after the current source was already drained', async () => {
    const { link, loader, session } = setup();
    await (await session.enqueue([track('A')], alice)).started;
    const stream = link.playing?.stream as import('node:stream').PassThrough;
    stream.resume();
    stream.end();
    await settle();
    expect(loader.loads).toHaveLength(1); // nothing to preload yet
    await session.enqueue([track('B')], alice);
    await settle();
    expect(loader.loads.map((l) => l.track.title)).toEqual(['A', 'B']);
    link.finish();
    await settle();
    expect(titleOf(link)).toBe('B');
    expect(loader.loads).toHaveLength(2);
  });
});

describe('GuildSession gapless preload, driven by the clock (PRELOAD_LEAD_MS before a known end)', () => {
  const titles = (loader: FakeLoader) => loader.loads.map((l) => l.track.title);

  it('opens the next track when the lead window opens, and plays it from that preload at the end', async () => {
    const { clock, link, loader, session } = setup();
    await (await session.enqueue([track('A', 60_000), track('B')], alice)).started;
    await clock.advance(60_000 - PRELOAD_LEAD_MS - 1);
    expect(titles(loader)).toEqual(['A']); // not yet: the window opens 10 s before the end
    await clock.advance(1);
    await settle();
    expect(titles(loader)).toEqual(['A', 'B']);
    expect(session.preloader.state.status).toBe('ready');
    link.finish();
    await settle();
    expect(titleOf(link)).toBe('B');
    expect(titles(loader)).toEqual(['A', 'B']); // B came from the preload
  });

  it('moves the window after a seek, and opens nothing while paused', async () => {
    const { clock, link, loader, session } = setup();
    await (await session.enqueue([track('A', 60_000), track('B')], alice)).started;
    link.position = 0;
    await session.seek(30_000);
    await settle();
    await clock.advance(30_000 - PRELOAD_LEAD_MS - 1);
    expect(titles(loader)).toEqual(['A', 'A']); // the seek reopened A; B not yet
    await session.pause();
    await clock.advance(1);
    await settle();
    expect(titles(loader)).toEqual(['A', 'A']); // paused when the window came: nothing opened
    expect(session.preloader.state.status).toBe('idle');
  });

  it('opens the window sooner under a speed-changing filter (a 1.25x track ends sooner)', async () => {
    const { clock, loader, session } = setup();
    await session.setFilter('nightcore');
    await (await session.enqueue([track('A', 60_000), track('B')], alice)).started;
    await clock.advance(60_000 / 1.25 - PRELOAD_LEAD_MS);
    await settle();
    expect(titles(loader)).toEqual(['A', 'B']);
  });

  it('never waits on a timer for a track of unknown length (the drained source arms it instead)', async () => {
    const { clock, loader, session } = setup();
    await (await session.enqueue([track('A', null), track('B')], alice)).started;
    expect(session.preloader.state.status).toBe('idle');
    await clock.advance(3_600_000);
    expect(titles(loader)).toEqual(['A']);
  });
});
