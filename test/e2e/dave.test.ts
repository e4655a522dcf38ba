import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './harness.js';
import { longestGap, media, percentile, waitForHeard, waitForTransition } from './dave-support.js';

/**
 * DAVE (Discord's audio E2EE) end to end: the real bot against the offline Discord at DAVE v1, where every
 * user in the bot's channel is an MLS member (its own davey session) that must decrypt every frame the bot
 * sends once its group transition has executed. One bot and one long track serve the whole file; members
 * join and leave, a commit is corrupted, the session is downgraded and upgraded, and voice reconnects.
 * Gaps are what a listener who stayed heard across each transition (its longest wait between decrypted frames).
 */
let stack: Stack;
let g: string;
const HZ = 440;
const gaps: Array<{ what: string; gapMs: number }> = [];

/** Records alice's longest gap across `t` once a second of audio after it has been heard. */
async function gapAcross(what: string, t: { preparedAt: number; executedAt?: number }): Promise<number> {
  await waitForHeard(stack, stack.users.alice, t.executedAt! + 1000, 1);
  const gap = longestGap(media(stack), stack.users.alice, t.preparedAt - 300, t.executedAt! + 1000);
  gaps.push({ what, gapMs: Math.round(gap) });
  return gap;
}

/** Audible packets after `since` that the listeners judged (decrypted Opus), and how many were E2EE. */
function audibleSince(since: number): { total: number; e2ee: number } {
  const audible = stack.discord.voice.packets(g).filter((p) => p.arrivalMs >= since && p.audible);
  return { total: audible.length, e2ee: audible.filter((p) => p.e2ee).length };
}

beforeAll(async () => {
  stack = await startStack({ env: { ALONE_TIMEOUT: '30m', IDLE_TIMEOUT: '30m' } });
  g = stack.guildId;
});

afterAll(async () => {
  if (gaps.length > 0) {
    const values = gaps.map((x) => x.gapMs);
    console.log(
      `DAVE transition gaps (alice): ${JSON.stringify(gaps)}; p50 ${percentile(values, 0.5)} ms, max ${Math.max(...values)} ms`,
    );
  }
  await stack?.close();
});

describe('DAVE v1 end to end', () => {
  it('joins a channel with a listener and plays end-to-end encrypted from the first audible frame', async () => {
    stack.join(stack.users.alice);
    const url = await stack.media.tone({ hz: HZ, seconds: 240, format: 'ogg' });
    const play = stack.command(stack.users.alice, 'play', { query: url });
    await play.reply((m) => /Started/.test(m.content ?? ''), 30_000);
    await stack.discord.voice.waitForFrequency(g, HZ, { toleranceHz: 5, since: play.dispatchedAt, timeoutMs: 20_000 });
    const connection = stack.discord.voice.activeConnection(g)!;
    expect(connection.maxDaveProtocolVersion).toBe(1);
    expect(connection.daveProtocolVersion).toBe(1);
    const session = media(stack);
    expect([...session.gateway.tree].sort()).toEqual([stack.discord.world.bot.id, stack.users.alice].sort());
    const packets = stack.discord.voice.packets(g);
    expect(packets.find((p) => p.audible)?.e2ee, 'the first audible frame was E2EE').toBe(true);
    expect(packets.filter((p) => p.audible && !p.e2ee)).toEqual([]);
    expect(stack.bot.logs.some((l) => l.json?.msg === 'voice ready' && l.json.e2ee === 'e2ee')).toBe(true);
  });

  it('listeners join and leave mid-track: each is a new epoch, nobody misses a frame after it', async () => {
    const { bob, carol } = stack.users;
    const steps: Array<
      [string, () => void, (t: { added: string[]; removed: string[] }) => boolean, string | undefined]
    > = [
      ['bob joins', () => stack.join(bob), (t) => t.added.includes(bob), bob],
      ['carol joins', () => stack.join(carol), (t) => t.added.includes(carol), carol],
      ['bob leaves', () => stack.discord.setUserVoiceChannel(g, bob, null), (t) => t.removed.includes(bob), undefined],
      [
        'carol leaves',
        () => stack.discord.setUserVoiceChannel(g, carol, null),
        (t) => t.removed.includes(carol),
        undefined,
      ],
    ];
    for (const [what, act, match, joiner] of steps) {
      const mark = performance.now();
      act();
      const t = await waitForTransition(stack, mark, (x) => x.kind === 'commit' && match(x));
      if (joiner) {
        const first = await waitForHeard(stack, joiner, t.executedAt!, 25);
        expect(first - t.executedAt!, `${what}: first decrypted frame soon after the transition`).toBeLessThan(1000);
      }
      expect(await gapAcross(what, t), `${what}: alice's audio gap across the transition`).toBeLessThan(300);
      for (const [id, listener] of media(stack).listeners)
        expect(listener.session.ownLeafIndex).toBe(media(stack).gateway.leafOf(id));
    }
    expect(stack.discord.voice.daveViolations()).toEqual([]);
    expect(media(stack).gateway.rejectedCommits.filter((r) => !r.reason.startsWith('stale'))).toEqual([]);
  });

  it('the bot alone keeps a group of its own; when someone joins, a new group forms and they hear it', async () => {
    const { alice } = stack.users;
    let mark = performance.now();
    stack.discord.setUserVoiceChannel(g, alice, null);
    await stack.discord.voice.recorder.feed.waitFor(
      () => media(stack).transitions.find((t) => t.preparedAt >= mark && t.kind === 'reset'),
      10_000,
      () => 'a sole member reset',
    );
    expect(media(stack).gateway.epoch).toBe(0n);
    mark = performance.now();
    stack.join(alice);
    const t = await waitForTransition(stack, mark, (x) => x.kind === 'commit' && x.added.includes(alice));
    await waitForHeard(stack, alice, t.executedAt! + 200, 25);
    const heard = await stack.discord.voice.waitForFrequency(g, HZ, { toleranceHz: 5, since: t.executedAt! + 200 });
    expect(audibleSince(heard.at).e2ee).toBe(audibleSince(heard.at).total);
  });

  it('recovers from an invalid commit: the bot reports op 31, is removed, re-added, and audio is E2EE again', async () => {
    const { bob } = stack.users;
    const session = media(stack);
    const bot = stack.discord.world.bot.id;
    session.gateway.corruptNextCommitTo(bot);
    const mark = performance.now();
    stack.join(bob);
    await stack.discord.voice.recorder.feed.waitFor(
      () => session.gateway.invalidReports.find((r) => r.userId === bot),
      15_000,
      () => 'op 31 from the bot',
    );
    const readded = await waitForTransition(stack, mark, (x) => x.kind === 'commit' && x.added.includes(bot), 20_000);
    await waitForHeard(stack, bob, readded.executedAt! + 300, 25);
    await waitForHeard(stack, stack.users.alice, readded.executedAt! + 300, 25);
    const recovery = { preparedAt: mark, executedAt: readded.executedAt! };
    gaps.push({
      what: 'invalid commit recovery (whole)',
      gapMs: Math.round(longestGap(session, stack.users.alice, mark, readded.executedAt! + 1000)),
    });
    expect(recovery.executedAt - recovery.preparedAt).toBeLessThan(15_000);
    expect(stack.discord.voice.daveViolations()).toEqual([]);
    stack.discord.setUserVoiceChannel(g, bob, null);
    await waitForTransition(stack, performance.now(), (x) => x.kind === 'commit' && x.removed.includes(bob));
  });

  it('downgrades to transport-only encryption (protocol 0) and upgrades back to DAVE v1', async () => {
    const session = media(stack);
    let mark = performance.now();
    session.gateway.downgrade();
    const down = await waitForTransition(stack, mark, (x) => x.kind === 'downgrade');
    await stack.discord.voice.waitForFrequency(g, HZ, { toleranceHz: 5, since: down.executedAt! + 300 });
    const plain = audibleSince(down.executedAt! + 300);
    expect(plain.total).toBeGreaterThan(10);
    expect(plain.e2ee, 'protocol 0: frames are no longer DAVE-encrypted').toBe(0);
    await gapAcross('downgrade to v0', down);

    mark = performance.now();
    session.gateway.upgrade(1);
    const up = await waitForTransition(stack, mark, (x) => x.kind === 'commit' && x.protocol === 1);
    await waitForHeard(stack, stack.users.alice, up.executedAt! + 300, 25);
    const after = audibleSince(up.executedAt! + 300);
    expect(after.total).toBeGreaterThan(10);
    expect(after.e2ee).toBe(after.total);
    await gapAcross('upgrade to v1', up);
    expect(stack.discord.voice.daveViolations()).toEqual([]);
  });

  it('a resumed voice connection keeps the group; a new one (4006) forms a new group, E2EE again', async () => {
    const before = media(stack);
    const epoch = before.gateway.epoch;
    let mark = performance.now();
    stack.discord.voice.closeVoice(g, 4015);
    await stack.discord.voice.recorder.feed.waitFor(
      () =>
        stack.discord.voice
          .packets(g)
          .find(
            (p) =>
              p.arrivalMs > mark &&
              p.audible &&
              stack.discord.voice.connections(g).find((c) => c.id === p.connectionId)?.resumed,
          ),
      15_000,
      () => 'audio on the resumed connection',
    );
    await waitForHeard(stack, stack.users.alice, performance.now(), 25);
    expect(media(stack)).toBe(before);
    expect(before.gateway.epoch).toBe(epoch);

    mark = performance.now();
    stack.discord.voice.closeVoice(g, 4006);
    await stack.discord.voice.recorder.feed.waitFor(
      () =>
        stack.discord.voice.dave.get(g) !== before && stack.discord.voice.dave.get(g)?.secured(stack.users.alice)
          ? true
          : undefined,
      20_000,
      () => 'a new DAVE group after 4006',
    );
    await waitForHeard(stack, stack.users.alice, performance.now(), 25);
    const since = performance.now();
    await stack.discord.voice.waitForFrequency(g, HZ, { toleranceHz: 5, since });
    expect(audibleSince(since).e2ee).toBe(audibleSince(since).total);
    expect(stack.discord.voice.daveViolations()).toEqual([]);
  });
});
