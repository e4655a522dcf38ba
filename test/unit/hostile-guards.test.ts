import { describe, expect, it } from 'vitest';
import { childEnv, withIgnoreConfig } from '../../src/core/child-env.js';
import { traced } from '../../src/core/activity.js';
import { escapeText } from '../../src/core/format.js';
import { Queue } from '../../src/core/queue.js';
import { CommandRateLimiter, TokenBuckets } from '../../src/core/token-bucket.js';
import { parseConfig, parseRate } from '../../src/config.js';
import { LoopWatchdog } from '../../src/ops/loop-watchdog.js';
import type { Logger } from '../../src/ports/logger.js';
import { SongCache } from '../../src/resolver/song-cache.js';
import { UserError } from '../../src/core/errors.js';
import { MAX_FAILURE_RUN } from '../../src/session/guild-session.js';
import { fakeSession, track } from '../support/fake-voice.js';
import { FakeClock, flush } from '../support/fake-clock.js';
import { MemoryStore } from '../../src/store/memory-store.js';

/** Unit checks of the guards issue 10 added (the hostile-member e2e suite checks them from outside). */
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

describe('token buckets', () => {
  it('allow a burst, then refill continuously; member and guild both have to agree', () => {
    let now = 0;
    const buckets = new TokenBuckets({ capacity: 3, perMs: 3000 }, () => now);
    expect([1, 2, 3, 4].map(() => buckets.take('a'))).toEqual([true, true, true, false]);
    expect(buckets.take('b')).toBe(true); // another key has its own bucket
    now = 1000;
    expect(buckets.take('a')).toBe(true);
    expect(buckets.take('a')).toBe(false);
    const limiter = new CommandRateLimiter(
      { member: { capacity: 2, perMs: 1000 }, guild: { capacity: 3, perMs: 1000 } },
      () => now,
    );
    expect([limiter.admit('g', 'u1'), limiter.admit('g', 'u1'), limiter.admit('g', 'u1')]).toEqual([true, true, false]);
    expect([limiter.admit('g', 'u2'), limiter.admit('g', 'u2')]).toEqual([true, false]); // guild bucket empty now
    expect(limiter.admit('other', 'u2')).toBe(true);
  });

  it('keep memory bounded however many keys are seen', () => {
    const buckets = new TokenBuckets({ capacity: 1, perMs: 1000 }, () => 0, 100);
    for (let i = 0; i < 10_000; i += 1) buckets.take(`k${i}`);
    expect(buckets.size).toBeLessThanOrEqual(100);
  });

  it('RATE_LIMIT_MEMBER / RATE_LIMIT_GUILD: N/duration, off, defaults, errors', () => {
    expect(parseRate('10/10s')).toEqual({ capacity: 10, perMs: 10_000 });
    expect(parseRate('off')).toBeNull();
    expect(parseRate('ten')).toBeUndefined();
    const base = { DISCORD_TOKEN: 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB' };
    expect(parseConfig(base)).toMatchObject({
      rateLimitMember: { capacity: 10, perMs: 10_000 },
      rateLimitGuild: { capacity: 60, perMs: 30_000 },
    });
    expect(parseConfig({ ...base, RATE_LIMIT_MEMBER: 'off', RATE_LIMIT_GUILD: '5/1m' })).toMatchObject({
      rateLimitMember: null,
      rateLimitGuild: { capacity: 5, perMs: 60_000 },
    });
    expect(() => parseConfig({ ...base, RATE_LIMIT_GUILD: 'lots' })).toThrow(/RATE_LIMIT_GUILD/);
  });
});

describe('child environment', () => {
  it('keeps PATH, HOME, locale and time zone; never the bot secrets; passthrough on purpose', () => {
    const env = {
      PATH: '/bin',
      HOME: '/h',
      LANG: 'C.UTF-8',
      LC_ALL: 'C',
      TZ: 'UTC',
      DISCORD_TOKEN: 't',
      SPOTIFY_CLIENT_SECRET: 's',
      STORE_URL: 'redis://x',
      FAKE_A: '1',
      OTHER: 'x',
    };
    expect(childEnv(env)).toEqual({ PATH: '/bin', HOME: '/h', LANG: 'C.UTF-8', LC_ALL: 'C', TZ: 'UTC' });
    expect(childEnv(env, ['FAKE_*', 'OTHER'])).toMatchObject({ FAKE_A: '1', OTHER: 'x' });
    expect(childEnv(env, ['FAKE_*'])).not.toHaveProperty('DISCORD_TOKEN');
  });

  it('yt-dlp gets --ignore-config unless the owner names a config file', () => {
    expect(withIgnoreConfig(['-J', '--', 'x'])).toEqual(['--ignore-config', '-J', '--', 'x']);
    expect(withIgnoreConfig(['--config-locations', '/etc/yt.conf', '--', 'x'])).toEqual([
      '--config-locations',
      '/etc/yt.conf',
      '--',
      'x',
    ]);
  });
});

describe('escapeText', () => {
  it.each([
    ['</play:1>', /<\/play:1>/],
    ['<t:1700000000:R>', /<t:\d+/],
    ['<:e:123456789012345678>', /<:e:\d+>/],
    ['<a:e:1>', /<a:e:1>/],
    ['<@123>', /<@\d+>/],
    ['<#123>', /<#\d+>/],
    ['<@&1>', /<@&1>/],
    ['https://evil.example/x', /https:\/\//],
    ['<https://a.b>', /<https/],
    ['steam://run/1', /steam:\/\//],
    ['discord.gg/abc', /discord\.gg/],
    ['[x](https://y)', /\]\(/],
    ['# Header', /^# /],
    ['-# sub', /^-#/],
    ['> quote', /^> /],
    ['- item', /^- /],
    ['1. item', /^1\. /],
    ['@everyone', /@everyone/],
  ])('%s is shown, not rendered', (input, raw) => {
    const out = escapeText(input);
    expect(out).not.toMatch(raw);
    expect(out.replace(/\u200B|\u200D|\\/g, '')).toBe(input); // the same text once the invisible guards are gone
  });
});

describe('failure runs', () => {
  function setup(failing: string[], loop = false) {
    const queue = new Queue();
    if (loop) queue.loop = 'queue';
    const fixture = fakeSession({ queue }, 0);
    for (const t of failing) fixture.loader.failing.set(t, new UserError('NOT_AUDIO'));
    return fixture;
  }
  const alice = { id: 'u', name: 'Alice' };

  it('never starts the next track synchronously, stops after a run with one summary, keeps the rest', async () => {
    const titles = Array.from({ length: 12 }, (_, i) => `T${i}`);
    const { clock, loader, sent, session, queue } = setup(titles.slice(1));
    await (
      await session.enqueue(
        titles.map((t) => track(t)),
        alice,
      )
    ).started;
    await session.skip();
    await flush();
    expect(loader.loads).toHaveLength(2); // T1 failed; T2 waits for the back-off, no synchronous spin
    // The back-off doubles from 100 ms: T2 at +100, T3 at +200, T4 at +400, T5 at +800 (1.5 s in all).
    await clock.advance(99);
    expect(loader.loads).toHaveLength(2);
    await clock.advance(1);
    expect(loader.loads).toHaveLength(3);
    await clock.advance(1400);
    expect(session.state.status).toBe('idle');
    expect(loader.loads.map((l) => l.track.title)).toEqual(titles.slice(0, 1 + MAX_FAILURE_RUN));
    expect(sent).toHaveLength(2); // the first failure of the run, then one summary
    expect(sent[1]).toMatch(/stopped playing/);
    expect(queue.current).toBeNull();
    expect(queue.length).toBe(titles.length - 1 - MAX_FAILURE_RUN);
  });

  it('loop queue does not re-queue entries that failed', async () => {
    const { clock, session, queue } = setup(['B', 'C'], true);
    await (
      await session.enqueue(
        ['A', 'B', 'C'].map((t) => track(t)),
        alice,
      )
    ).started;
    await session.skip();
    // A goes round again; B and C failed and are gone from the circle: A plays with nothing after it.
    await clock.advance(300); // B fails, back-off 100 ms; C fails, back-off 200 ms; then A
    expect(session.state.status).toBe('playing');
    expect(queue.current?.title).toBe('A');
    expect(queue.upcoming.map((e) => e.title)).toEqual([]);
  });
});

describe('loop watchdog and song cache sweep', () => {
  it('names the phase that held the loop when a tick is late', () => {
    let now = 0;
    const warnings: unknown[] = [];
    const logger: Logger = { ...silent, warn: (obj: unknown) => void warnings.push(obj) };
    const watchdog = new LoopWatchdog({ logger, now: () => now, intervalMs: 100, thresholdMs: 200 });
    watchdog.start();
    traced('parse:hls', () => (now += 450));
    now += 100;
    watchdog.tick();
    watchdog.stop();
    expect(warnings).toEqual([expect.objectContaining({ phase: 'parse:hls', phaseMs: 450, stallMs: 450 })]);
  });

  it('sweeps expired rows out of the store', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore(clock);
    const cache = new SongCache({ store, clock, metadataTtlMs: 1000 });
    await cache.setResolution('a', { kind: 'track', track: track('A') });
    await clock.advance(2000);
    await cache.sweepExpired();
    expect(await store.keys('')).toEqual([]);
  });
});
