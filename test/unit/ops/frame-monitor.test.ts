import { describe, expect, it } from 'vitest';
import { FrameMonitor, type FrameSample } from '../../../src/ops/frame-monitor.js';
import { FakeClock } from '../../support/fake-clock.js';

/** A fake player: the test moves its counters the way @discordjs/voice would. */
class FakePlayer {
  resource: object = {};
  playing = true;
  playedMs = 0;
  fillerMs = 0;
  sample = (): FrameSample => ({
    resource: this.resource,
    playing: this.playing,
    playedMs: this.playedMs,
    fillerMs: this.fillerMs,
  });
}

function setup(intervalMs = 5000) {
  const clock = new FakeClock();
  const windows: Array<{ guildId: string; sent: number; expected: number; silence: number }> = [];
  const monitor = new FrameMonitor({
    clock,
    intervalMs,
    sink: (guildId, sent, expected, silence) => windows.push({ guildId, sent, expected, silence }),
  });
  return { clock, windows, monitor };
}

describe('FrameMonitor', () => {
  it('reports a window with frames sent vs frames due by wall clock', async () => {
    const { clock, windows, monitor } = setup();
    const player = new FakePlayer();
    monitor.track('g1', { sample: player.sample });
    await clock.advance(5000); // first sample: baseline only
    expect(windows).toEqual([]);
    player.playedMs += 4800; // 240 real frames in 5 s (250 due)
    player.fillerMs += 60; // 3 of the missing ones were silence filler
    await clock.advance(5000);
    expect(windows).toEqual([{ guildId: 'g1', sent: 240, expected: 250, silence: 3 }]);
  });

  it('does not count windows that span a pause or a new track', async () => {
    const { clock, windows, monitor } = setup();
    const player = new FakePlayer();
    monitor.track('g1', { sample: player.sample });
    await clock.advance(5000);
    player.playing = false; // paused without an interrupt (adapter not wired for it): owes no frames
    await clock.advance(5000);
    player.playing = true;
    await clock.advance(5000); // new baseline after the pause
    expect(windows).toEqual([]);
    player.resource = {}; // next track: playedMs restarts
    player.playedMs = 100;
    await clock.advance(5000);
    expect(windows).toEqual([]);
    player.playedMs += 5000;
    await clock.advance(5000);
    expect(windows).toEqual([{ guildId: 'g1', sent: 250, expected: 250, silence: 0 }]);
  });

  it('closes the window at a state change, so a pause or the end of a track is measured up to that moment', async () => {
    const { clock, windows, monitor } = setup();
    const player = new FakePlayer();
    monitor.track('g1', { sample: player.sample });
    await clock.advance(5000); // baseline
    await clock.advance(2000);
    player.playedMs += 1900; // 95 of 100 frames, then the user pauses
    player.playing = false;
    monitor.interrupt('g1');
    expect(windows).toEqual([{ guildId: 'g1', sent: 95, expected: 100, silence: 0 }]);
    await clock.advance(60_000); // paused for a minute: nothing is owed
    player.playing = true;
    monitor.interrupt('g1'); // resumed: new baseline
    await clock.advance(1000);
    player.playedMs += 1000;
    player.playing = false; // the track ended: the last second still counts
    monitor.interrupt('g1');
    expect(windows.at(-1)).toEqual({ guildId: 'g1', sent: 50, expected: 50, silence: 0 });
    expect(windows).toHaveLength(2);
    await clock.advance(10_000);
    expect(windows).toHaveLength(2);
  });

  it('stops its timer when nothing is tracked, and survives a throwing probe', async () => {
    const { clock, windows, monitor } = setup(1000);
    const untrack = monitor.track('g1', {
      sample: () => {
        throw new Error('player destroyed');
      },
    });
    await clock.advance(3000);
    expect(windows).toEqual([]);
    untrack();
    await clock.advance(1000);
    expect(clock.pending()).toBe(0);
    monitor.track('g2', { sample: new FakePlayer().sample });
    expect(clock.pending()).toBe(1);
    monitor.stop();
    expect(clock.pending()).toBe(0);
  });
});
