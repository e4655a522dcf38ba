import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  askWith,
  buttonsOf,
  CHANNEL_OPTION,
  expectCleanMessages,
  press,
  ROLE_OPTION,
  tone,
} from './commands-support.js';
import { startStack, type Stack } from './harness.js';

/** The queue as users see and edit it: pages with buttons, edits, the server's limits, and /settings. */
let stack: Stack;
let g: string;
let alice: string;
let bob: string;
let owner: string;

beforeAll(async () => {
  stack = await startStack();
  g = stack.guildId;
  ({ alice, bob } = stack.users);
  owner = stack.discord.world.owner.id;
  stack.join(alice);
});

afterAll(async () => {
  await stack?.close();
});

const CALLBACK = '/interactions/{interaction_id}/{interaction_token}/callback';
const upNext = (text: string): string[] => text.split('\n').filter((l) => /^`\d+\.`/.test(l));

describe('/queue', () => {
  it('pages ten at a time, and ◀ ▶ acknowledge at once and page the same message in place', async () => {
    const url = await tone(stack, 440);
    expect(await stack.ask(alice, 'play', { query: url })).toMatch(/Started/);
    for (let i = 1; i <= 23; i += 1) await stack.ask(alice, 'play', { query: `${url}?n=${i}` });
    const reply = await stack.command(alice, 'queue').reply();
    expect(reply.content).toMatch(/page 1\/3/);
    expect(upNext(reply.content)).toHaveLength(10);
    expect(buttonsOf(reply).map((b) => [b.label, b.disabled])).toEqual([
      ['◀', true],
      ['▶', false],
    ]);

    const next = press(stack, alice, reply.messageId, buttonsOf(reply)[1]!.custom_id);
    const first = await next.firstRequest();
    expect(first.route).toBe(CALLBACK);
    expect((await next.callback()).type).toBe(6);
    const page2 = await next.reply((m) => /page 2\/3/.test(m.content));
    expect(page2.messageId).toBe(reply.messageId);
    expect(upNext(page2.content)[0]).toMatch(/^`11\.`/);

    const last = press(stack, bob, reply.messageId, buttonsOf(page2)[1]!.custom_id); // anyone may page
    const page3 = await last.reply((m) => /page 3\/3/.test(m.content));
    expect(upNext(page3.content).map((l) => l.slice(0, 5))).toEqual(['`21.`', '`22.`', '`23.`']);
    expect(buttonsOf(page3).map((b) => b.disabled)).toEqual([false, true]);
    expect(await stack.ask(alice, 'queue', { page: 99 })).toMatch(/page 3\/3/);
    expect(await stack.ask(alice, 'queue', { page: 2 })).toMatch(/`11\.`[\s\S]*`20\.`/);
  });
});

describe('queue edits', () => {
  it('/move, /remove (one or a range), /shuffle and /clear change the upcoming list only', async () => {
    expect(await stack.ask(alice, 'move', { from: 23, to: 1 })).toMatch(/Moved .* to position #1/);
    expect(upNext(await stack.ask(alice, 'queue'))[0]).toMatch(/440\\-60/);
    expect(await stack.ask(alice, 'move', { from: 30, to: 1 })).toMatch(/❌ .*has 23 tracks; pick 1-23/);
    expect(await stack.ask(alice, 'remove', { position: '2-5' })).toMatch(/Removed 4 tracks \(positions 2-5\)/);
    expect(await stack.ask(alice, 'remove', { position: '19' })).toMatch(/Removed \*\*440\\-60\*\*/);
    expect(await stack.ask(alice, 'remove', { position: '5-3' })).toMatch(/❌ Give a queue position/);
    expect(await stack.ask(alice, 'queue')).toMatch(/18 tracks queued/);
    expect(await stack.ask(alice, 'shuffle')).toMatch(/Shuffled 18 upcoming track/);
    const clear = stack.command(alice, 'clear');
    expect((await clear.reply()).content).toMatch(/Cleared 18 upcoming track/);
    const queue = await stack.ask(alice, 'queue');
    expect(queue).toMatch(/Now playing/);
    expect(upNext(queue)).toEqual([]);
    expect(await stack.ask(alice, 'clear')).toMatch(/❌ The queue is empty/);
    expect(await stack.ask(alice, 'shuffle')).toMatch(/❌ The queue is empty/);
    await stack.discord.voice.waitForFrequency(g, 440, { toleranceHz: 6, since: clear.dispatchedAt }); // still playing
  });
});

describe('limits', () => {
  it('refuses duplicates unless allowed', async () => {
    const url = await tone(stack, 440);
    expect(await stack.ask(alice, 'play', { query: url })).toMatch(/❌ That's already in the queue/);
    expect(await askWith(stack, owner, 'settings', { allowed: true }, 'duplicates')).toMatch(/Duplicates: allowed/);
    expect(await stack.ask(alice, 'play', { query: url })).toMatch(/Queued/);
    expect(await askWith(stack, owner, 'settings', { allowed: false }, 'duplicates')).toMatch(
      /Duplicates: not allowed/,
    );
  });

  it('enforces the queue length and the per-member limit', async () => {
    expect(await askWith(stack, owner, 'settings', { length: 2 }, 'max-queue')).toMatch(/Max queue length: 2/);
    expect(await stack.ask(alice, 'play', { query: await tone(stack, 450) })).toMatch(/Queued .* #2/);
    expect(await stack.ask(alice, 'play', { query: await tone(stack, 460) })).toMatch(
      /❌ The queue is full\. \(2 tracks at most\.\)/,
    );
    expect(await askWith(stack, owner, 'settings', { length: 500 }, 'max-queue')).toMatch(/Max queue length: 500/);
    // alice has the playing track and two upcoming: three live entries.
    expect(await askWith(stack, owner, 'settings', { limit: 3 }, 'max-per-user')).toMatch(/Max tracks per member: 3/);
    expect(await stack.ask(alice, 'play', { query: await tone(stack, 470) })).toMatch(
      /❌ You already have 3 tracks queued/,
    );
    stack.join(bob);
    expect(await stack.ask(bob, 'play', { query: await tone(stack, 480) })).toMatch(/Queued/);
    expect(await askWith(stack, owner, 'settings', { limit: 0 }, 'max-per-user')).toMatch(
      /Max tracks per member: no limit/,
    );
    expect(await stack.ask(alice, 'play', { query: await tone(stack, 470) })).toMatch(/Queued/);
  });
});

describe('/settings', () => {
  it('sets and shows every setting', async () => {
    const dj = stack.discord.world.addRole(g, 'DJ', 0n).id;
    const set = (sub: string, options: Parameters<typeof askWith>[3]) =>
      askWith(stack, owner, 'settings', options, sub);
    expect(await set('dj-role', [{ name: 'role', type: ROLE_OPTION, value: dj }])).toContain(`DJ role: <@&${dj}>`);
    expect(await set('dj-role', {})).toMatch(/DJ role: none/);
    expect(await set('dj-role', [{ name: 'role', type: ROLE_OPTION, value: '123' }])).toMatch(
      /❌ .*I can't find that role in this server/,
    );
    expect(
      await set('announce-channel', [{ name: 'channel', type: CHANNEL_OPTION, value: stack.textChannelId }]),
    ).toContain(`Announce channel: <#${stack.textChannelId}>`);
    expect(await set('announce-channel', {})).toMatch(/Announce channel: where the queue was started/);
    expect(await set('announce', { enabled: false })).toMatch(/Now-playing messages: off/);
    expect(await set('announce', { enabled: true })).toMatch(/Now-playing messages: on/);
    expect(await set('stay-247', { enabled: true })).toMatch(/Stay 24\/7: on/);
    expect(await set('stay-247', { enabled: false })).toMatch(/Stay 24\/7: off/);
    expect(await set('vote-skip-share', { percent: 75 })).toMatch(/Vote-skip share: 75%/);
    expect(await set('default-volume', { percent: 40 })).toMatch(/Default volume: 40%/);
    const view = await set('view', {});
    expect(view).toMatch(/Default volume: 40%[\s\S]*Vote-skip share: 75%/);
  });

  it('starts new sessions at the default volume', async () => {
    expect(await stack.ask(alice, 'leave')).toMatch(/Left/);
    await stack.ask(alice, 'play', { query: await tone(stack, 490) });
    expect(await stack.ask(alice, 'nowplaying')).toMatch(/volume 40%/);
    await stack.ask(alice, 'stop');
    expectCleanMessages(stack);
  });
});
