import { ComponentType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { renderQueuePage } from '../../../src/commands/queue-page.js';
import { renderSettings } from '../../../src/commands/settings-view.js';
import { parseCustomId } from '../../../src/commands/buttons.js';
import { renderNowPlaying } from '../../../src/commands/now-playing-view.js';
import { DEFAULT_SETTINGS } from '../../../src/settings/guild-settings.js';
import { track } from '../../support/fake-voice.js';
import { fakeSession } from './session-fixture.js';

const alice = { id: 'alice', name: 'Alice <@123456789012345678>' };

type Row = { components: Array<{ custom_id: string; label: string; disabled?: boolean }> };
const buttonsOf = (reply: unknown): Row['components'] =>
  ((reply as { components?: Row[] }).components ?? []).flatMap((row) => row.components);

describe('renderNowPlaying', () => {
  it('is null when nothing plays', () => {
    expect(renderNowPlaying(fakeSession().session)).toBeNull();
  });

  it('shows the track, requester, loop, volume and next up, with buttons tied to the entry', async () => {
    const { session } = fakeSession('g9');
    await (await session.enqueue([track('**A**'), track('B')], alice)).started;
    const view = renderNowPlaying(session)!;
    expect(view.content).toContain('\\*\\*A\\*\\*');
    expect(view.content).not.toMatch(/<@\d+>/);
    expect(view.content).toMatch(/no repeat · volume 100%/);
    expect(view.content).toContain('Next up: B');
    expect(view.components[0]?.type).toBe(ComponentType.ActionRow);
    const ids = buttonsOf(view).map((b) => b.custom_id);
    const entryId = session.queue.current!.entryId;
    expect(ids).toEqual(['pause', 'skip', 'stop', 'loop', 'shuffle'].map((a) => `np:${a}:g9:${entryId}`));
    expect(parseCustomId(ids[0]!)).toEqual({ prefix: 'np', args: ['pause', 'g9', String(entryId)] });
  });

  it('offers Resume while paused', async () => {
    const { session } = fakeSession();
    await (await session.enqueue([track('A')], alice)).started;
    await session.pause();
    const view = renderNowPlaying(session)!;
    expect(view.content).toMatch(/^⏸️ Paused/);
    expect(buttonsOf(view)[0]?.label).toMatch(/Resume/);
  });
});

describe('renderQueuePage', () => {
  it('says the queue is empty without a session', () => {
    expect(renderQueuePage(undefined, 'g1', 1)).toMatchObject({
      content: expect.stringMatching(/empty/),
      components: [],
    });
  });

  it('pages ten at a time with ◀ ▶ naming their target pages, clamped at the ends', async () => {
    const { session } = fakeSession('g2');
    const tracks = Array.from({ length: 24 }, (_, i) => track(`T${i + 1}`));
    await (await session.enqueue(tracks, alice)).started;
    const first = renderQueuePage(session, 'g2', 1) as { content: string };
    expect(first.content).toContain('page 1/3');
    expect(first.content).toContain('`1.` T2');
    expect(first.content).toContain('`10.` T11');
    expect(buttonsOf(first).map((b) => [b.custom_id, b.disabled])).toEqual([
      ['queue:g2:0', true],
      ['queue:g2:2', false],
    ]);
    const last = renderQueuePage(session, 'g2', 99) as { content: string };
    expect(last.content).toContain('page 3/3');
    expect(last.content).toContain('`23.` T24');
    expect(buttonsOf(last).map((b) => b.disabled)).toEqual([false, true]);
  });

  it('has no buttons when everything fits on one page', async () => {
    const { session } = fakeSession();
    await (await session.enqueue([track('A'), track('B')], alice)).started;
    expect(buttonsOf(renderQueuePage(session, 'g1', 1))).toEqual([]);
  });
});

describe('renderSettings', () => {
  it('lists every setting, with role and channel as mentions', () => {
    const text = renderSettings({
      ...DEFAULT_SETTINGS,
      djRoleId: '42',
      announceChannelId: '43',
      maxTracksPerUser: 5,
      voteSkipShare: 0.75,
    });
    expect(text).toContain('DJ role: <@&42>');
    expect(text).toContain('Announce channel: <#43>');
    expect(text).toContain('Max tracks per member: 5');
    expect(text).toContain('Vote-skip share: 75%');
    expect(renderSettings(DEFAULT_SETTINGS)).toContain('DJ role: none');
  });
});
