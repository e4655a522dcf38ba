import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { PlayerMessages, type PlayerView } from '../../src/discord/player-message.js';
import type { PlayerChannels } from '../../src/discord/player-channels.js';
import type { GuildSession } from '../../src/session/guild-session.js';
import { SettingsStore } from '../../src/settings/guild-settings.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { FakeClock, flush } from '../support/fake-clock.js';

/** The parts of a session the player message reads: its ids, its state (with the entry shown) and its events. */
class FakeSession extends EventEmitter {
  readonly guildId = 'g1';
  readonly textChannelId = 'c1';
  state: { status: string; entry?: { entryId: number } } = { status: 'idle' };

  play(entryId: number): void {
    this.state = { status: 'playing', entry: { entryId } };
    this.emit('trackStart');
  }
}

interface Write {
  readonly at: number;
  readonly kind: 'post' | 'edit';
  readonly content: string | undefined;
}

function setup(minIntervalMs?: number) {
  const clock = new FakeClock(0);
  const writes: Write[] = [];
  const channels: PlayerChannels = {
    post: async (_channel, view) => {
      writes.push({ at: clock.now(), kind: 'post', content: view.content });
      return 'm1';
    },
    edit: async (_channel, _message, view) => {
      writes.push({ at: clock.now(), kind: 'edit', content: view.content });
      return true;
    },
    remove: async () => undefined,
    countNewer: async () => 0,
  };
  const session = new FakeSession();
  const render = (s: GuildSession): PlayerView => ({
    content: `entry ${(s.state as FakeSession['state']).entry?.entryId ?? 'none'}`,
    components: [],
  });
  const player = new PlayerMessages({
    channels,
    settings: new SettingsStore(new MemoryStore(clock)),
    logger: { debug() {}, info() {}, warn() {}, error() {} } as never,
    repostAfter: 0,
    clock,
    render,
    ...(minIntervalMs === undefined ? {} : { minIntervalMs }),
  });
  player.watch(session as unknown as GuildSession);
  return { clock, writes, session };
}

describe('PlayerMessages: one message per session, written at most once per interval', () => {
  it('posts the first track at once, then turns a burst of changes into one edit showing the last state', async () => {
    const { clock, writes, session } = setup(1000);
    session.play(1);
    await flush();
    expect(writes).toEqual([{ at: 0, kind: 'post', content: 'entry 1' }]);

    // Five tracks that fail one after another within 400 ms, and queue changes between them.
    for (let id = 2; id <= 6; id += 1) {
      await clock.advance(80);
      session.play(id);
      session.emit('changed');
    }
    await flush();
    expect(writes).toHaveLength(1); // nothing before the interval is over
    await clock.advance(1000);
    expect(writes).toEqual([
      { at: 0, kind: 'post', content: 'entry 1' },
      { at: 1000, kind: 'edit', content: 'entry 6' },
    ]);
  });

  it('writes at once again after a quiet interval', async () => {
    const { clock, writes, session } = setup(1000);
    session.play(1);
    await clock.advance(5000);
    session.play(2);
    await flush();
    expect(writes.map((w) => [w.at, w.content])).toEqual([
      [0, 'entry 1'],
      [5000, 'entry 2'],
    ]);
  });

  it('takes the buttons off at once when the session ends, even inside the interval', async () => {
    const { clock, writes, session } = setup(1000);
    session.play(1);
    await flush();
    await clock.advance(100);
    session.state = { status: 'destroyed' };
    session.emit('stateChange', { status: 'playing' }, session.state);
    await flush();
    expect(writes.map((w) => [w.at, w.kind])).toEqual([
      [0, 'post'],
      [100, 'edit'],
    ]);
  });

  it("does not keep a session's end waiting behind a pending update", async () => {
    const { clock, writes, session } = setup(1000);
    session.play(1);
    await flush();
    await clock.advance(100);
    session.play(2); // an update waits for the interval (until 1000)
    await flush();
    session.state = { status: 'destroyed' };
    session.emit('stateChange', { status: 'playing' }, session.state);
    await flush();
    expect(writes.map((w) => [w.at, w.kind, w.content])).toEqual([
      [0, 'post', 'entry 1'],
      [100, 'edit', 'entry none'],
    ]);
    await clock.advance(2000);
    expect(writes).toHaveLength(2); // nothing after the end
  });
});
