import { describe, expect, it } from 'vitest';
import {
  decideSkip,
  hasDjRights,
  isAloneWithBot,
  mayRemoveTracks,
  mayUseGuardedControl,
  tallyVotes,
  votesNeeded,
  type ControlFacts,
  type MemberFacts,
} from '../../../src/controls/permissions.js';

const DJ = 'role-dj';
const member = (over: Partial<MemberFacts> = {}): MemberFacts => ({
  userId: 'alice',
  roleIds: [],
  manageGuild: false,
  ...over,
});
const facts = (over: Partial<ControlFacts> = {}): ControlFacts => ({
  member: member(),
  djRoleId: DJ,
  listenerIds: ['alice', 'bob', 'carol'],
  ...over,
});

describe('DJ rights', () => {
  it('belong to everyone when the server has no DJ role', () => {
    expect(hasDjRights(member(), null)).toBe(true);
  });

  it('need the role or Manage Server once a DJ role is set', () => {
    expect(hasDjRights(member(), DJ)).toBe(false);
    expect(hasDjRights(member({ roleIds: ['other', DJ] }), DJ)).toBe(true);
    expect(hasDjRights(member({ manageGuild: true }), DJ)).toBe(true);
  });
});

describe('guarded controls', () => {
  it('refuse a non-DJ while others listen', () => {
    expect(mayUseGuardedControl(facts())).toBe(false);
  });

  it('allow DJs, managers, and anyone alone with the bot', () => {
    expect(mayUseGuardedControl(facts({ member: member({ roleIds: [DJ] }) }))).toBe(true);
    expect(mayUseGuardedControl(facts({ member: member({ manageGuild: true }) }))).toBe(true);
    expect(mayUseGuardedControl(facts({ listenerIds: ['alice'] }))).toBe(true);
    expect(mayUseGuardedControl(facts({ djRoleId: null }))).toBe(true);
  });

  it('count an empty channel as alone (the member may have just left)', () => {
    expect(isAloneWithBot(member(), [])).toBe(true);
    expect(isAloneWithBot(member(), ['alice', 'bob'])).toBe(false);
  });
});

describe('decideSkip', () => {
  it('skips at once for DJs, the requester of the current track, and lone listeners', () => {
    expect(decideSkip({ ...facts({ member: member({ roleIds: [DJ] }) }), currentRequesterId: 'bob' })).toBe('direct');
    expect(decideSkip({ ...facts(), currentRequesterId: 'alice' })).toBe('direct');
    expect(decideSkip({ ...facts({ listenerIds: ['alice'] }), currentRequesterId: 'bob' })).toBe('direct');
    expect(decideSkip({ ...facts({ djRoleId: null }), currentRequesterId: 'bob' })).toBe('direct');
  });

  it("starts a vote when a non-DJ skips someone else's track with others listening", () => {
    expect(decideSkip({ ...facts(), currentRequesterId: 'bob' })).toBe('vote');
    expect(decideSkip({ ...facts(), currentRequesterId: null })).toBe('vote');
  });
});

describe('mayRemoveTracks', () => {
  it('lets anyone remove only their own tracks', () => {
    expect(mayRemoveTracks(facts(), ['alice', 'alice'])).toBe(true);
    expect(mayRemoveTracks(facts(), ['alice', 'bob'])).toBe(false);
    expect(mayRemoveTracks(facts({ member: member({ roleIds: [DJ] }) }), ['bob'])).toBe(true);
  });

  it('leaves out-of-range removals (no entries) to the queue to refuse', () => {
    expect(mayRemoveTracks(facts(), [])).toBe(true);
  });
});

describe('votes', () => {
  it('need the share of listeners, rounded up, at least one', () => {
    expect(votesNeeded(3, 0.5)).toBe(2);
    expect(votesNeeded(4, 0.5)).toBe(2);
    expect(votesNeeded(1, 0.5)).toBe(1);
    expect(votesNeeded(0, 0.5)).toBe(1);
    expect(votesNeeded(10, 0.3)).toBe(3);
    expect(votesNeeded(3, 1)).toBe(3);
  });

  it('fall back to half for a nonsensical share', () => {
    expect(votesNeeded(4, 0)).toBe(2);
    expect(votesNeeded(4, Number.NaN)).toBe(2);
    expect(votesNeeded(4, 7)).toBe(4);
  });

  it('count only voters still listening', () => {
    expect(tallyVotes(['alice', 'gone'], ['alice', 'bob', 'carol'], 0.5)).toEqual({
      votes: 1,
      needed: 2,
      passed: false,
    });
    expect(tallyVotes(['alice', 'bob'], ['alice', 'bob', 'carol'], 0.5)).toEqual({ votes: 2, needed: 2, passed: true });
  });
});
