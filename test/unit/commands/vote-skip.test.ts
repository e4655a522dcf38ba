import { describe, expect, it } from 'vitest';
import { VoteSkips } from '../../../src/controls/vote-skip.js';
import { track } from '../../support/fake-voice.js';
import { fakeSession, settle } from './session-fixture.js';

const alice = { id: 'alice', name: 'Alice' };
const listeners = ['alice', 'bob', 'carol'];

describe('VoteSkips', () => {
  it('passes at the share of listeners and ignores repeat votes', async () => {
    const { session } = fakeSession();
    await (await session.enqueue([track('A'), track('B')], alice)).started;
    const entry = session.queue.current!.entryId;
    const votes = new VoteSkips();
    expect(votes.vote(session, entry, 'bob', listeners, 0.5)).toEqual({
      votes: 1,
      needed: 2,
      passed: false,
      counted: true,
    });
    expect(votes.vote(session, entry, 'bob', listeners, 0.5)).toMatchObject({ votes: 1, counted: false });
    expect(votes.vote(session, entry, 'carol', listeners, 0.5)).toMatchObject({ votes: 2, needed: 2, passed: true });
  });

  it('starts a fresh ballot when the track changes', async () => {
    const { session } = fakeSession();
    await (await session.enqueue([track('A'), track('B')], alice)).started;
    const votes = new VoteSkips();
    votes.vote(session, session.queue.current!.entryId, 'bob', listeners, 1);
    await session.skip();
    await settle();
    expect(votes.vote(session, session.queue.current!.entryId, 'carol', listeners, 1)).toMatchObject({
      votes: 1,
      needed: 3,
    });
  });

  it('clears the ballot when the same entry starts over (track loop)', async () => {
    const { session, link } = fakeSession();
    await (await session.enqueue([track('A')], alice)).started;
    await session.setLoop('track');
    const entry = session.queue.current!.entryId;
    const votes = new VoteSkips();
    votes.vote(session, entry, 'bob', listeners, 1);
    link.finish();
    await settle();
    expect(session.queue.current!.entryId).toBe(entry);
    expect(votes.vote(session, entry, 'carol', listeners, 1)).toMatchObject({ votes: 1 });
  });
});
