import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordFigure } from './figures.js';
import { startStack, type Stack } from './harness.js';

/**
 * The foundation, end to end: a slash command in, messages and real audio out, against the offline Discord
 * and the real bot process.
 */
let stack: Stack;
let g: string;

beforeAll(async () => {
  stack = await startStack();
  g = stack.guildId;
  stack.join(stack.users.alice);
});

afterAll(async () => {
  await stack?.close();
});

// Each test starts from silence, whatever the previous one left behind.
afterEach(async () => {
  await stack.ask(stack.users.alice, 'stop');
});

const CALLBACK = '/interactions/{interaction_id}/{interaction_token}/callback';

describe('before any session exists', () => {
  it('says which permissions are missing when it cannot join', async () => {
    stack.discord.setChannelPermissionOverwrites(g, stack.lounge, [
      { id: g, type: 0, allow: '0', deny: String(1n << 20n) },
    ]);
    stack.join(stack.users.bob, stack.lounge);
    const url = await stack.media.tone({ hz: 700, seconds: 5, format: 'ogg' });
    const reply = await stack.ask(stack.users.bob, 'play', { query: url });
    stack.join(stack.users.bob, stack.music);
    stack.discord.setChannelPermissionOverwrites(g, stack.lounge, []);
    expect(reply).toMatch(/Connect.*Speak/);
  });
});

describe('/play', () => {
  it('defers first, names the track, and plays the served Ogg/Opus tone (passthrough)', async () => {
    const url = await stack.media.tone({ hz: 440, seconds: 30, format: 'ogg' });
    const cmd = stack.command(stack.users.alice, 'play', { query: url });
    const first = await cmd.firstRequest();
    expect(first.route).toBe(CALLBACK);
    expect((await cmd.deferral()).type).toBe(5);
    const reply = await cmd.reply((m) => /Started/.test(m.content ?? ''), 20_000);
    expect(reply.content).toContain('440');
    const heard = await stack.discord.voice.waitForFrequency(g, 440, {
      toleranceHz: 4,
      since: cmd.dispatchedAt,
      timeoutMs: 15_000,
    });
    const firstPacket = await stack.discord.voice.waitForAudio(g, { since: cmd.dispatchedAt, timeoutMs: 1000 });
    recordFigure('deferral_ms', first.at - cmd.dispatchedAt);
    recordFigure('play_to_first_audio_ms_passthrough', firstPacket - cmd.dispatchedAt);
    expect(heard.hz).toBeGreaterThan(435);
    const started = stack.bot.logs.filter((l) => l.json?.msg === 'track started' && l.at >= cmd.dispatchedAt);
    expect(started.map((l) => l.json?.pipeline)).toEqual(['passthrough']);
    await stack.ask(stack.users.alice, 'stop');
  });

  it('plays an MP3 through ffmpeg with the right pitch', async () => {
    const url = await stack.media.tone({ hz: 660, seconds: 30, format: 'mp3' });
    const cmd = stack.command(stack.users.alice, 'play', { query: url });
    await cmd.reply((m) => /Started/.test(m.content ?? ''), 20_000);
    await stack.discord.voice.waitForFrequency(g, 660, { toleranceHz: 4, since: cmd.dispatchedAt, timeoutMs: 15_000 });
    const firstPacket = await stack.discord.voice.waitForAudio(g, { since: cmd.dispatchedAt, timeoutMs: 1000 });
    recordFigure('play_to_first_audio_ms_ffmpeg', firstPacket - cmd.dispatchedAt);
    expect(
      stack.bot.logs
        .filter((l) => l.json?.msg === 'track started' && l.at >= cmd.dispatchedAt)
        .map((l) => l.json?.pipeline),
    ).toEqual(['ffmpeg']);
    await stack.ask(stack.users.alice, 'stop');
  });

  it('queues a second track and /skip switches to it; /stop leaves silence', async () => {
    const a = await stack.media.tone({ hz: 500, seconds: 60, format: 'ogg' });
    const b = await stack.media.tone({ hz: 800, seconds: 60, format: 'webm' });
    expect(await stack.ask(stack.users.alice, 'play', { query: a })).toMatch(/Started/);
    expect(await stack.ask(stack.users.alice, 'play', { query: b })).toMatch(/Queued .* position #1/);
    await stack.discord.voice.waitForFrequency(g, 500, { toleranceHz: 4, timeoutMs: 15_000 });
    const skip = stack.command(stack.users.alice, 'skip');
    expect((await skip.reply()).content).toMatch(/Skipped/);
    await stack.discord.voice.waitForFrequency(g, 800, { toleranceHz: 4, since: skip.dispatchedAt, timeoutMs: 15_000 });
    const stop = stack.command(stack.users.alice, 'stop');
    expect((await stop.reply()).content).toMatch(/Stopped/);
    await stack.discord.voice.waitForSilence(g, 1000, { since: stop.dispatchedAt, timeoutMs: 10_000 });
  });

  it('/pause stops the audio and /resume brings it back', async () => {
    const url = await stack.media.tone({ hz: 600, seconds: 60, format: 'ogg' });
    await stack.ask(stack.users.alice, 'play', { query: url });
    await stack.discord.voice.waitForFrequency(g, 600, { toleranceHz: 4, timeoutMs: 15_000 });
    const pause = stack.command(stack.users.alice, 'pause');
    expect((await pause.reply()).content).toMatch(/Paused/);
    await stack.discord.voice.waitForSilence(g, 1000, { since: pause.dispatchedAt, timeoutMs: 10_000 });
    expect(await stack.ask(stack.users.alice, 'nowplaying')).toMatch(/⏸️/);
    const resume = stack.command(stack.users.alice, 'resume');
    expect((await resume.reply()).content).toMatch(/Resumed/);
    await stack.discord.voice.waitForFrequency(g, 600, {
      toleranceHz: 4,
      since: resume.dispatchedAt,
      timeoutMs: 10_000,
    });
    expect(await stack.ask(stack.users.alice, 'queue')).toMatch(/Now playing/);
    await stack.ask(stack.users.alice, 'stop');
  });
});

describe('bad input gets a clear reply and the bot keeps working', () => {
  it.each([
    ['an empty query', '   ', /Tell me what to play/],
    ['a private-network URL', 'http://192.168.1.1/song.mp3', /private or local network/],
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/', /private or local network/],
    ['loopback by name', 'http://localhost/a.mp3', /private or local network/],
    ['a non-http scheme', 'file:///etc/passwd', /Only http/],
    ['an HTML page', 'HTML', /doesn't point to audio/],
    ['an empty file', 'EMPTY', /couldn't be decoded/],
    ['random bytes', 'RANDOM', /doesn't point to audio|couldn't be decoded/],
    ['a 404', 'STATUS', /answered with an error/],
    ['a redirect into private space', 'REDIRECT', /private or local network/],
  ])('%s', async (_name, query, expected) => {
    const real =
      {
        HTML: stack.media.html(),
        EMPTY: stack.media.empty(),
        RANDOM: stack.media.random(),
        STATUS: stack.media.status(404),
        REDIRECT: stack.media.redirect('http://10.0.0.1/secret'),
      }[query] ?? query;
    const reply = await stack.ask(stack.users.alice, 'play', { query: real });
    expect(reply).toMatch(expected);
    expect(reply).not.toMatch(/at .*\.js:\d+|Error:/);
  });

  it('still plays afterwards', async () => {
    const url = await stack.media.tone({ hz: 700, seconds: 20, format: 'ogg' });
    expect(await stack.ask(stack.users.alice, 'play', { query: url })).toMatch(/Started/);
    await stack.discord.voice.waitForFrequency(g, 700, { toleranceHz: 4, timeoutMs: 15_000 });
    await stack.ask(stack.users.alice, 'stop');
  });

  it('asks a member who is not in voice to join first', async () => {
    const url = await stack.media.tone({ hz: 700, seconds: 5, format: 'ogg' });
    expect(await stack.ask(stack.users.carol, 'play', { query: url })).toMatch(/Join a voice channel first/);
  });

  it('every message suppresses mentions and every REST body matches the OpenAPI spec', () => {
    const messages = stack.discord.rest.calls.filter(
      (c) => c.method === 'PATCH' || (c.method === 'POST' && (c.route ?? '').includes('messages')),
    );
    expect(messages.length).toBeGreaterThan(10);
    for (const call of messages)
      expect((call.body as { allowed_mentions?: unknown }).allowed_mentions).toMatchObject({ parse: [] });
    stack.discord.rest.assertNoViolations();
  });
});

describe('voice lifecycle', () => {
  it('a kicked bot frees its session and the next /play works', async () => {
    const url = await stack.media.tone({ hz: 550, seconds: 60, format: 'ogg' });
    await stack.ask(stack.users.alice, 'play', { query: url });
    await stack.discord.voice.waitForFrequency(g, 550, { toleranceHz: 4, timeoutMs: 15_000 });
    stack.discord.voice.kick(g);
    await stack.bot.waitForLog((l) => l.json?.msg === 'session ended');
    const again = stack.command(stack.users.alice, 'play', { query: url });
    expect((await again.reply(undefined, 20_000)).content).toMatch(/Started/);
    await stack.discord.voice.waitForFrequency(g, 550, {
      toleranceHz: 4,
      since: again.dispatchedAt,
      timeoutMs: 15_000,
    });
    await stack.ask(stack.users.alice, 'stop');
  });
});
