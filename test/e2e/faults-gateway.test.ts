import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanMessages } from './commands-support.js';
import { startStack, type Stack, freePort } from './harness.js';

/**
 * Gateway and REST faults against the real bot, while a track plays: the gateway socket closed (resumable
 * and dropped), op 7 Reconnect, op 9 Invalid Session (resumable and not), and REST answering 429 with
 * retry_after or 500. Voice runs on its own connections, so the music must not stop; commands must work
 * again once the gateway is back; replies must arrive despite REST errors (discord.js retries), and the
 * queue must keep its entries. One bot serves the whole file.
 */
let stack: Stack;
let g: string;
let port: number;

async function expectAlive(): Promise<void> {
  expect(stack.bot.exitInfo, 'the bot process is still running').toBeUndefined();
  expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
}

/**
 * No gap longer than `maxGapMs` in the audible packets between `from` and now (the music never stopped). Looks
 * at one second at least: a fault the bot shrugs off in 50 ms leaves too few packets for a fair count.
 */
async function expectContinuousAudio(from: number, maxGapMs = 300): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, from + 1000 - performance.now())));
  const packets = stack.discord.voice.packets(g).filter((p) => p.arrivalMs >= from && p.audible);
  expect(packets.length).toBeGreaterThan(((performance.now() - from) / 20) * 0.8);
  let worst = 0;
  for (let i = 1; i < packets.length; i += 1)
    worst = Math.max(worst, packets[i]!.arrivalMs - packets[i - 1]!.arrivalMs);
  expect(worst, 'longest silence while the gateway was down (ms)').toBeLessThan(maxGapMs);
}

/**
 * Waits until the bot has resumed (RESUMED) or identified again (READY) after `since`, and is ready. The fake's
 * `isReady` alone is not enough: right after the fault it still sees the old, open socket, and an interaction
 * sent then is lost, as it would be on Discord.
 */
async function waitForReconnect(since: number, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const back = stack.discord.gateway.dispatches.some(
      (d) => (d.t === 'READY' || d.t === 'RESUMED') && d.at > since && d.delivered,
    );
    if (back && stack.discord.gateway.isReady) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the bot did not resume or identify again');
}

/** A command sent once the gateway is back is answered, and the queue still holds the track queued behind. */
async function expectCommandsWork(): Promise<void> {
  expect(await stack.ask(stack.users.alice, 'queue', undefined, 20_000)).toMatch(/Now playing[\s\S]*830/);
}

beforeAll(async () => {
  port = await freePort();
  stack = await startStack({ env: { HTTP_PORT: String(port) } });
  g = stack.guildId;
  stack.join(stack.users.alice);
  const a = await stack.media.tone({ hz: 430, seconds: 240, format: 'ogg' });
  const b = await stack.media.tone({ hz: 830, seconds: 30, format: 'ogg' });
  expect(await stack.ask(stack.users.alice, 'play', { query: a })).toMatch(/Started/);
  expect(await stack.ask(stack.users.alice, 'play', { query: b })).toMatch(/Queued/);
  await stack.discord.voice.waitForFrequency(g, 430, { toleranceHz: 5, timeoutMs: 15_000 });
});

afterAll(async () => {
  await stack?.close();
});

describe('gateway faults while a track plays', () => {
  it.each([
    ['socket closed with 4000 (resumable)', (s: Stack) => s.discord.gateway.closeGateway(4000)],
    ['socket dropped without a close frame (1006)', (s: Stack) => s.discord.gateway.closeGateway(1006)],
    ['op 7 Reconnect', (s: Stack) => s.discord.gateway.sendReconnect()],
    ['op 9 Invalid Session, resumable', (s: Stack) => s.discord.gateway.sendInvalidSession(true)],
    ['op 9 Invalid Session, not resumable (identify again)', (s: Stack) => s.discord.gateway.sendInvalidSession(false)],
  ])('%s: the music never stops and commands work once it is back', async (_name, fault) => {
    const at = performance.now();
    fault(stack);
    await waitForReconnect(at);
    await expectCommandsWork();
    await expectContinuousAudio(at);
    await expectAlive();
  });
});

describe('REST faults', () => {
  const CALLBACK = '/interactions/{interaction_id}/{interaction_token}/callback';
  const ORIGINAL = '/webhooks/{webhook_id}/{webhook_token}/messages/@original';

  /** The fault really hit: a call on `route` answered `status` after `since`. */
  const hit = (route: string, status: number, since: number) =>
    stack.discord.rest.calls.some((c) => c.route === route && c.status === status && c.at >= since);

  it('429 with retry_after on the deferral: discord.js waits and retries, still inside the 3 s window', async () => {
    stack.discord.rest.fail({ route: CALLBACK, method: 'POST', status: 429, retryAfter: 1, times: 1 });
    const cmd = stack.command(stack.users.alice, 'nowplaying');
    const reply = await cmd.reply(undefined, 20_000);
    expect(reply.content).toMatch(/430/);
    const deferral = await cmd.deferral();
    expect(deferral.at - cmd.dispatchedAt).toBeGreaterThanOrEqual(900);
    expect(deferral.at - cmd.dispatchedAt).toBeLessThan(3000);
    expect(hit(CALLBACK, 429, cmd.dispatchedAt)).toBe(true);
  });

  it('500 on the reply edit (the follow-up): retried, the reply arrives', async () => {
    const started = performance.now();
    stack.discord.rest.fail({ route: ORIGINAL, method: 'PATCH', status: 500, times: 1 });
    const reply = await stack.ask(stack.users.alice, 'queue', undefined, 20_000);
    expect(reply).toMatch(/830/);
    expect(hit(ORIGINAL, 500, started)).toBe(true);
  });

  it('429 then 500 on the reply edit: both waited out, the reply arrives', async () => {
    stack.discord.rest.fail({ route: ORIGINAL, method: 'PATCH', status: 429, retryAfter: 1, times: 1 });
    stack.discord.rest.fail({ route: ORIGINAL, method: 'PATCH', status: 500, times: 1 });
    const started = performance.now();
    const reply = await stack.ask(stack.users.alice, 'queue', undefined, 20_000);
    expect(reply).toMatch(/830/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    expect(hit(ORIGINAL, 429, started) && hit(ORIGINAL, 500, started)).toBe(true);
  });

  it('REST down for the reply (500 every time): the command still takes effect, the bot keeps serving', async () => {
    stack.discord.rest.fail({ route: ORIGINAL, method: 'PATCH', status: 500, times: 20 });
    const url = await stack.media.tone({ hz: 930, seconds: 30, format: 'ogg' });
    const cmd = stack.command(stack.users.alice, 'play', { query: url });
    await cmd.deferral();
    await stack.bot.waitForLog(
      (l) => l.json?.msg === 'could not edit deferred reply' && l.at > cmd.dispatchedAt,
      30_000,
    );
    stack.discord.rest.clearFaults();
    await expectAlive();
    // Nothing was lost: the track went into the queue although its reply could not be shown.
    expect(await stack.ask(stack.users.alice, 'queue', undefined, 20_000)).toMatch(/830[\s\S]*930/);
  });

  it('never logged an uncaught exception or unhandled rejection, and every message stayed clean', () => {
    expect(
      stack.bot.logs
        .filter((l) => /uncaught exception|unhandled promise rejection/.test(String(l.json?.msg ?? l.line)))
        .map((l) => l.line),
    ).toEqual([]);
    expectCleanMessages(stack);
  });
});
