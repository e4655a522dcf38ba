import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askWith, expectCleanMessages, ROLE_OPTION, tone, toneTitle } from './commands-support.js';
import { startStack, type Stack } from './harness.js';

/**
 * Who may do what: listeners only, the DJ role, Manage Server, members alone with the bot, and vote skips.
 * alice, bob and carol listen in Music; the owner manages the server from outside the voice channel.
 */
let stack: Stack;
let g: string;
let alice: string;
let bob: string;
let carol: string;
let owner: string;
let djRole: string;
let modRole: string;

beforeAll(async () => {
  stack = await startStack();
  g = stack.guildId;
  ({ alice, bob, carol } = stack.users);
  owner = stack.discord.world.owner.id;
  for (const user of [alice, bob, carol]) stack.join(user);
  djRole = stack.discord.world.addRole(g, 'DJ', 0n).id;
  modRole = stack.discord.world.addRole(g, 'Mods', 1n << 5n /* Manage Server */).id;
  stack.discord.world.setMemberRoles(g, carol, [djRole]);
});

afterAll(async () => {
  await stack?.close();
});

const hear = (hz: number, since = performance.now(), timeoutMs = 15_000) =>
  stack.discord.voice.waitForFrequency(g, hz, { toleranceHz: 6, since, timeoutMs });

async function play(userId: string, hz: number, tag?: string): Promise<string> {
  return stack.ask(userId, 'play', { query: await tone(stack, hz, 60, tag) });
}

const NOT_DJ = /❌ Only DJs can .* you need the <@&\d+> role or Manage Server/;
const NOT_LISTENING = /❌ You need to be in my voice channel/;

describe('listeners only', () => {
  it('refuses every control from outside my voice channel, and /play from outside any', async () => {
    expect(await play(alice, 300)).toMatch(/Started/);
    stack.join(bob, stack.lounge);
    const controls: Array<[string, Record<string, string | number>?]> = [
      ['skip'],
      ['skipto', { position: 1 }],
      ['previous'],
      ['pause'],
      ['resume'],
      ['stop'],
      ['leave'],
      ['clear'],
      ['shuffle'],
      ['volume', { percent: 50 }],
      ['loop', { mode: 'track' }],
      ['seek', { position: '0:10' }],
      ['remove', { position: '1' }],
      ['move', { from: 1, to: 2 }],
    ];
    for (const [name, options] of controls)
      expect(await stack.ask(bob, name, options), `/${name}`).toMatch(NOT_LISTENING);
    expect(await play(bob, 310)).toMatch(NOT_LISTENING);
    expect(await play(owner, 320)).toMatch(/❌ Join a voice channel first/);
    expect(await stack.ask(bob, 'nowplaying')).toMatch(toneTitle(300)); // looking is for everyone
    await hear(300);
    stack.join(bob);
  });

  it('lets every listener control directly while no DJ role is set', async () => {
    expect(await stack.ask(bob, 'volume', { percent: 80 })).toMatch(/Volume set to 80%/);
    await play(alice, 400);
    const skip = stack.command(bob, 'skip');
    expect((await skip.reply()).content).toMatch(/Skipped .*300.* Up now: .*400/);
    await hear(400, skip.dispatchedAt);
  });
});

describe('/settings', () => {
  it('is for Manage Server only', async () => {
    expect(await askWith(stack, bob, 'settings', {}, 'view')).toMatch(
      /❌ Only members with the \*\*Manage Server\*\* permission/,
    );
    expect(await askWith(stack, bob, 'settings', { percent: 10 }, 'vote-skip-share')).toMatch(/❌ Only members/);
    expect(await askWith(stack, owner, 'settings', {}, 'view')).toMatch(/DJ role: none/);
    const saved = await askWith(
      stack,
      owner,
      'settings',
      [{ name: 'role', type: ROLE_OPTION, value: djRole }],
      'dj-role',
    );
    expect(saved).toMatch(/✅ Saved/);
    expect(saved).toContain(`DJ role: <@&${djRole}>`);
  });
});

describe('with a DJ role', () => {
  it('refuses guarded controls to other listeners and leaves the audio alone', async () => {
    await play(alice, 500);
    await play(alice, 600);
    const guarded: Array<[string, Record<string, string | number>?]> = [
      ['volume', { percent: 50 }],
      ['loop', { mode: 'track' }],
      ['seek', { position: '0:10' }],
      ['move', { from: 1, to: 2 }],
      ['clear'],
      ['skipto', { position: 1 }],
      ['previous'],
      ['stop'],
      ['leave'],
      ['shuffle'],
      ['skip', { count: 2 }],
    ];
    const mark = performance.now();
    for (const [name, options] of guarded) expect(await stack.ask(bob, name, options), `/${name}`).toMatch(NOT_DJ);
    expect(await play(bob, 700)).toMatch(/Queued .* position #3/); // queueing is for every listener
    expect(await stack.ask(bob, 'play', { query: await tone(stack, 710), position: 'now' })).toMatch(NOT_DJ);
    expect(await stack.ask(bob, 'pause')).toMatch(/Paused/); // pause and resume are for every listener
    expect(await stack.ask(bob, 'resume')).toMatch(/Resumed/);
    await hear(400, mark);
    expect(await stack.ask(bob, 'queue')).toMatch(/`1\.` 500\\-60[\s\S]*`2\.` 600\\-60/);
  });

  it('allows the DJ role and Manage Server', async () => {
    expect(await stack.ask(carol, 'volume', { percent: 100 })).toMatch(/Volume set to 100%/);
    stack.discord.world.setMemberRoles(g, bob, [modRole]);
    expect(await stack.ask(bob, 'loop', { mode: 'queue' })).toMatch(/Looping the queue/);
    stack.discord.world.setMemberRoles(g, bob, []);
    expect(await stack.ask(bob, 'loop', { mode: 'off' })).toMatch(NOT_DJ);
    expect(await stack.ask(carol, 'loop', { mode: 'off' })).toMatch(/Looping is off/);
  });

  it('allows a member alone with the bot', async () => {
    stack.join(alice, stack.lounge);
    stack.join(carol, stack.lounge);
    expect(await stack.ask(bob, 'volume', { percent: 90 })).toMatch(/Volume set to 90%/);
    stack.join(alice);
    stack.join(carol);
    expect(await stack.ask(bob, 'volume', { percent: 100 })).toMatch(NOT_DJ);
  });

  it("lets anyone remove their own tracks, and only DJs others'", async () => {
    // Upcoming: 500 (alice), 600 (alice), 700 (bob, queued above).
    const queue = await stack.ask(bob, 'queue');
    expect(queue).toMatch(/`3\.` 700\\-60 .* bob/i);
    expect(await stack.ask(bob, 'remove', { position: '1' })).toMatch(/❌ Only DJs can remove other people's tracks/);
    expect(await stack.ask(bob, 'remove', { position: '2-3' })).toMatch(/❌ Only DJs can remove other people's tracks/);
    expect(await stack.ask(bob, 'remove', { position: '3' })).toMatch(/Removed .*700/);
    expect(await stack.ask(bob, 'remove', { position: 'three' })).toMatch(/❌ Give a queue position like `3`/);
    expect(await stack.ask(carol, 'remove', { position: '2' })).toMatch(/Removed .*600/);
  });
});

describe('vote skip', () => {
  it("starts a vote for a non-DJ skipping someone else's track, passes at the share, and resets per track", async () => {
    // Playing 400 (alice's), upcoming 500 (alice's). Three listeners at 50 %: two votes needed.
    await play(carol, 800);
    expect(await stack.ask(bob, 'skip')).toMatch(/🗳️ bob voted to skip .*400.*: 1\/2 votes/i);
    expect(await stack.ask(bob, 'skip')).toMatch(/🗳️ You already voted .*: 1\/2 votes/);
    await hear(400);
    // alice requested the playing track: her skip is immediate.
    const own = stack.command(alice, 'skip');
    expect((await own.reply()).content).toMatch(/Skipped .*400.* Up now: .*500/);
    await hear(500, own.dispatchedAt);
    // A fresh ballot for the new track, at all three listeners.
    expect(await askWith(stack, owner, 'settings', { percent: 100 }, 'vote-skip-share')).toMatch(
      /Vote-skip share: 100%/,
    );
    stack.discord.world.setMemberRoles(g, carol, []);
    expect(await stack.ask(bob, 'skip')).toMatch(/bob voted to skip .*500.*: 1\/3 votes/i);
    expect(await stack.ask(carol, 'skip')).toMatch(/carol voted to skip .*500.*: 2\/3 votes/i);
    await hear(500);
    // Lowering the share to 60 % (two of three) lets the standing votes pass at the next one.
    expect(await askWith(stack, owner, 'settings', { percent: 60 }, 'vote-skip-share')).toMatch(/Vote-skip share: 60%/);
    const pass = stack.command(bob, 'skip');
    expect((await pass.reply()).content).toMatch(/Vote passed \(2\/2 votes\)\. ⏭️ Skipped .*500.* Up now: .*800/);
    await hear(800, pass.dispatchedAt);
    expect(await stack.ask(bob, 'skip')).toMatch(/bob voted to skip .*800.*: 1\/2 votes/i);
  });

  it('counts only voters still listening', async () => {
    // bob voted on 800 (carol's) and leaves: of alice and carol, 60 % is still two votes, and bob's is gone.
    stack.join(bob, stack.lounge);
    expect(await stack.ask(alice, 'skip')).toMatch(/alice voted to skip .*800.*: 1\/2 votes/i);
    stack.join(bob);
    const own = stack.command(carol, 'skip'); // carol requested it: immediate
    expect((await own.reply()).content).toMatch(/Skipped .*800/);
    await stack.discord.voice.waitForSilence(g, 1_000, { since: own.dispatchedAt, timeoutMs: 10_000 });
    stack.discord.world.setMemberRoles(g, carol, [djRole]);
    expectCleanMessages(stack);
  });
});
