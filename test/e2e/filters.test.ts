import { cpus, loadavg } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelRms, concatPcm, dbfs, rms } from '../offline-discord/audio.js';
import { askWith, expectCleanMessages, ROLE_OPTION, sleep, tone } from './commands-support.js';
import { recordFigure } from './figures.js';
import { freePort, startStack, type Stack, scrapeMetric } from './harness.js';

/**
 * `/filter`, judged from the audio the fake voice server decodes (stereo, per channel): a 440 Hz tone is heard
 * at 550 Hz under nightcore and 352 Hz under vaporwave soon after the command, the position carries on in
 * track time, `off` brings 440 Hz back on the passthrough pipeline, karaoke removes a centred tone, 8D swings it
 * between the ears. Filters follow the same DJ rules as /volume.
 */
let stack: Stack;
let g: string;
let alice: string;
let bob: string;
let port: number;

beforeAll(async () => {
  port = await freePort();
  stack = await startStack({ env: { HTTP_PORT: String(port) } });
  g = stack.guildId;
  ({ alice, bob } = stack.users);
  stack.join(alice);
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

const metric = (series: string): Promise<number> => scrapeMetric(port, series);

/** The elapsed part of /nowplaying's `m:ss / m:ss`, in seconds. */
async function position(): Promise<number> {
  return (await positionAt()).seconds;
}

async function positionAt(): Promise<{ seconds: number; at: number }> {
  const handle = stack.command(alice, 'nowplaying');
  const text = (await handle.reply()).content ?? '';
  const m = /`(\d+):(\d\d) \/ /.exec(text);
  if (!m) throw new Error(`no position in ${text}`);
  return { seconds: Number(m[1]) * 60 + Number(m[2]), at: handle.dispatchedAt };
}

/** Decoded PCM of every frame with content (not the silence frame) that arrived in [from, to]. */
function pcmBetween(from: number, to: number): Int16Array {
  const packets = stack.discord.voice
    .packets(g)
    .filter((p) => p.arrivalMs >= from && p.arrivalMs <= to && !p.silence && p.pcm);
  return concatPcm(packets.map((p) => p.pcm!));
}

/** Sends `/filter preset` and waits until `hz` is heard; returns how long after the command that took. */
async function switchTo(preset: string, hz: number): Promise<number> {
  const command = stack.command(alice, 'filter', { preset });
  expect((await command.reply()).content).toMatch(preset === 'off' ? /Filter off/ : /Filter set to/);
  const heard = await stack.discord.voice.waitForFrequency(g, hz, {
    since: command.dispatchedAt,
    toleranceHz: 8,
    windowMs: 300,
    timeoutMs: 10_000,
  });
  const audible = stack.discord.voice
    .packets(g)
    .filter((p) => p.audible && p.arrivalMs >= command.dispatchedAt && p.arrivalMs <= heard.at + 600);
  const gap = longestGap(audible);
  // What this machine's load alone does to frame timing: the same measure over the 3 s before the command.
  const jitter = longestGap(
    stack.discord.voice
      .packets(g)
      .filter((p) => p.audible && p.arrivalMs >= command.dispatchedAt - 3_000 && p.arrivalMs < command.dispatchedAt),
  );
  recordFigure(`filter_switch_gap_ms ${preset}`, gap);
  recordFigure(`filter_switch_jitter_ms ${preset}`, jitter);
  if (process.env.FILTER_DEBUG === '1')
    for (let i = 1; i < audible.length; i += 1)
      if (audible[i]!.arrivalMs - audible[i - 1]!.arrivalMs > 60)
        console.log(
          'GAP',
          preset,
          audible[i - 1]!.arrivalMs - command.dispatchedAt,
          audible[i]!.arrivalMs - command.dispatchedAt,
          heard.at - command.dispatchedAt,
          stack.discord.voice
            .packets(g)
            .filter((p) => p.arrivalMs > audible[i - 1]!.arrivalMs && p.arrivalMs < audible[i]!.arrivalMs)
            .map((p) => `${Math.round(p.arrivalMs - command.dispatchedAt)}:${p.silence ? 'S' : p.rms.toFixed(4)}`)
            .join(' '),
        );
  // ~0 on a quiet machine: the old stream plays on until the new one takes over, so no gap beyond ~100 ms more.
  expect(gap).toBeLessThan(Math.max(jitter, 60) + 150);
  const latency = heard.at - command.dispatchedAt;
  recordFigure(`filter_switch_latency_ms ${preset}`, latency);
  return latency;
}

function longestGap(packets: readonly { arrivalMs: number }[]): number {
  let gap = 0;
  for (let i = 1; i < packets.length; i += 1)
    gap = Math.max(gap, packets[i]!.arrivalMs - packets[i - 1]!.arrivalMs - 20);
  return gap;
}

/**
 * The acceptance bound for hearing a change (1.5 s), stretched only while the shared test machine is overloaded
 * (load average over two runnable processes per core), where reopening a stream alone can take seconds.
 */
function heardWithin(ms: number): number {
  return loadavg()[0]! / cpus().length > 2 ? ms * 6 : ms;
}

/** Resolves once the level of the last 500 ms is `dropDb` below `reference`; rejects after `timeoutMs`. */
async function waitForLevelDrop(reference: number, dropDb: number, timeoutMs = 15_000): Promise<void> {
  for (const deadline = performance.now() + timeoutMs; performance.now() < deadline; await sleep(100)) {
    const now = performance.now();
    const pcm = pcmBetween(now - 500, now);
    if (pcm.length / 2 / 48_000 > 0.3 && dbfs(reference) - dbfs(rms(pcm)) >= dropDb) return;
  }
  throw new Error(`the level did not drop by ${dropDb} dB`);
}

describe('/filter', () => {
  it('nightcore and vaporwave shift a 440 Hz tone within 1.5 s at the same position; off returns to passthrough', async () => {
    const play = stack.command(alice, 'play', { query: await tone(stack, 440, 180, 'filters') });
    await play.reply();
    await stack.discord.voice.waitForFrequency(g, 440, { since: play.dispatchedAt, toleranceHz: 5, timeoutMs: 15_000 });
    expect(await stack.ask(alice, 'filter')).toMatch(/No filter is on/);
    await sleep(2_000);
    const before = await position();
    expect(await switchTo('nightcore', 550)).toBeLessThan(heardWithin(1_500));
    const p1 = await positionAt();
    expect(p1.seconds).toBeGreaterThanOrEqual(before); // carried on, not restarted from 0
    expect(p1.seconds - before).toBeLessThan(heardWithin(5));
    await sleep(4_000);
    const p2 = await positionAt();
    // Track time runs 1.25× the playback: 20 ms frames received between the two readings, at 1.25.
    const frames = stack.discord.voice
      .packets(g)
      .filter((p) => !p.silence && p.arrivalMs >= p1.at && p.arrivalMs < p2.at).length;
    const expected = frames * 0.02 * 1.25;
    expect(Math.abs(p2.seconds - p1.seconds - expected)).toBeLessThan(1.3);
    expect(p2.seconds - p1.seconds).toBeGreaterThan(frames * 0.02 + 0.2); // more than at 1×
    expect(await stack.ask(alice, 'filter')).toMatch(/The filter is nightcore/);
    expect(await stack.ask(alice, 'nowplaying')).toMatch(/filter: nightcore/);
    // /seek stays in track time: 1:00 of the track, and playback continues from there at 1.25×.
    expect(await stack.ask(alice, 'seek', { position: '1:00' })).toMatch(/Jumped to `1:00`/);
    await stack.discord.voice.waitForFrequency(g, 550, { toleranceHz: 8, timeoutMs: 10_000 });
    expect(await position()).toBeGreaterThanOrEqual(60);
    expect(await position()).toBeLessThan(64);

    expect(await switchTo('vaporwave', 352)).toBeLessThan(heardWithin(1_500));
    expect(await position()).toBeGreaterThanOrEqual(60);

    expect(await switchTo('off', 440)).toBeLessThan(heardWithin(1_500));
    for (let i = 0; i < 40 && (await metric('tunebot_streams{pipeline="ffmpeg"}')) !== 0; i += 1) await sleep(100);
    expect(await metric('tunebot_streams{pipeline="passthrough"}')).toBe(1);
    expect(await metric('tunebot_streams{pipeline="ffmpeg"}')).toBe(0);
    expect(await stack.ask(alice, 'nowplaying')).not.toMatch(/filter:/);
  });

  it('karaoke drops a tone identical in both channels by at least 15 dB while frames keep flowing', async () => {
    const mark = performance.now();
    await sleep(1_000);
    const plain = rms(pcmBetween(mark, performance.now()));
    const command = stack.command(alice, 'filter', { preset: 'karaoke' });
    await command.reply();
    await waitForLevelDrop(plain, 15);
    recordFigure('karaoke_switch_latency_ms', performance.now() - command.dispatchedAt);
    const from = performance.now();
    await sleep(1_000);
    const karaoke = pcmBetween(from, performance.now());
    expect(karaoke.length / 2 / 48_000).toBeGreaterThan(0.8); // still streaming, just without the centre
    const drop = dbfs(plain) - dbfs(rms(karaoke));
    recordFigure('karaoke_centre_drop_db', drop);
    expect(drop).toBeGreaterThanOrEqual(15);
    await switchTo('off', 440);
  });

  it('8d swings the left/right balance', async () => {
    const command = stack.command(alice, 'filter', { preset: '8d' });
    await command.reply();
    await sleep(heardWithin(1_500));
    const start = performance.now();
    await sleep(8_500); // one full turn (0.125 Hz)
    const balances: number[] = [];
    for (let from = start; from + 250 <= performance.now(); from += 250) {
      const pcm = pcmBetween(from, from + 250);
      if (pcm.length > 0) balances.push(dbfs(channelRms(pcm, 0)) - dbfs(channelRms(pcm, 1)));
    }
    const finite = balances.filter(Number.isFinite);
    expect(finite.length).toBeGreaterThan(20);
    recordFigure('8d_balance_swing_db', Math.max(...finite) - Math.min(...finite));
    expect(Math.max(...finite)).toBeGreaterThan(4); // left louder at one point…
    expect(Math.min(...finite)).toBeLessThan(-4); // …right louder at another
    await switchTo('off', 440);
  });

  it('follows the DJ rules of /volume', async () => {
    stack.join(bob);
    const owner = stack.discord.world.owner.id;
    const dj = stack.discord.world.addRole(g, 'DJ', 0n).id;
    await askWith(stack, owner, 'settings', [{ name: 'role', type: ROLE_OPTION, value: dj }], 'dj-role');
    expect(await stack.ask(bob, 'filter', { preset: 'bassboost' })).toMatch(/❌ Only DJs can change the filter/);
    expect(await stack.ask(bob, 'filter')).toMatch(/No filter is on/); // looking is for every listener
    stack.discord.world.setMemberRoles(g, bob, [dj]);
    expect(await stack.ask(bob, 'filter', { preset: 'bassboost' })).toMatch(/Filter set to bass boost/);
    expect(await stack.ask(alice, 'nowplaying')).toMatch(/filter: bass boost/);
    expectCleanMessages(stack);
  });
});
