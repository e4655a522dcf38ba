import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { Queue } from '../../src/core/queue.js';
import type { Logger } from '../../src/ports/logger.js';
import { GuildSession } from '../../src/session/guild-session.js';
import type { SessionState } from '../../src/session/session-state.js';
import { FakeLink, FakeLoader, track } from '../support/fake-voice.js';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const clock = { now: () => 1000, setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms), clearTimeout: () => undefined };
const alice = { id: 'u1', name: 'Alice' };

function setup() {
  const link = new FakeLink();
  const loader = new FakeLoader();
  const sent: string[] = [];
  const session = new GuildSession({
    guildId: 'g1', link, loader, clock, logger: silent, textChannelId: 'text-1', queue: new Queue(),
    notifier: { send: async (_channel, content) => void sent.push(content) },
  });
  const states: SessionState['status'][] = [];
  session.on('stateChange', (_old, next) => states.push(next.status));
  return { link, loader, sent, session, states };
}

const titleOf = (link: FakeLink): string | undefined => (link.playing as unknown as { title?: string } | undefined)?.title;
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

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
    const { link, loader, sent, session } = setup();
    loader.failing.set('B', new UserError('BROKEN_MEDIA'));
    await (await session.enqueue([track('A'), track('B'), track('C')], alice)).started;
    link.finish();
    await settle();
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
