#!/usr/bin/env node
// Leak soak: creates and destroys many guild sessions (join, play, skip, and end by leave / kick / eviction /
// idle) with the real SessionManager, GuildSession, Queue, supervisor and persistence from dist/, against a
// fake voice port. Reports session count, heap and listener/timer counts before and after.
// Usage: npm run soak -- [cycles=10000]   (run with --expose-gc for stable heap figures)
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { Queue } from '../dist/core/queue.js';
import { GuildSession } from '../dist/session/guild-session.js';
import { SessionManager } from '../dist/session/session-manager.js';
import { SessionPersistence } from '../dist/session/session-persistence.js';
import { SessionSupervisor } from '../dist/session/session-supervisor.js';

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

/** A voice link that plays nothing: enough for the session's state machine. */
class FakeLink extends EventEmitter {
  constructor(guildId, channelId) {
    super();
    this.guildId = guildId;
    this.channel = channelId;
    this.current = undefined;
  }
  channelId() {
    return this.channel;
  }
  play(audio) {
    this.current?.dispose();
    this.current = audio;
  }
  stop() {
    const had = this.current;
    this.current?.dispose();
    this.current = undefined;
    if (had) this.emit('idle');
    return Boolean(had);
  }
  pause() {
    return true;
  }
  resume() {
    return true;
  }
  playbackMs() {
    return 0;
  }
  seamless() {}
  destroy() {
    this.current?.dispose();
    this.current = undefined;
    this.removeAllListeners();
  }
}

function memoryStore() {
  const map = new Map();
  return {
    get: async (k) => map.get(k),
    set: async (k, v) => void map.set(k, v),
    delete: async (k) => map.delete(k),
    keys: async (p) => [...map.keys()].filter((k) => k.startsWith(p)),
    size: () => map.size,
  };
}

const track = (i) => ({
  id: `http:https://example.com/${i}`,
  source: 'http',
  title: `t${i}`,
  url: `https://example.com/${i}`,
  durationMs: 60_000,
});
const tick = () => new Promise((resolve) => setImmediate(resolve));

function build(maxSessions) {
  const links = new Map();
  const voice = {
    join: async (guildId, channelId) => {
      const l = new FakeLink(guildId, channelId);
      links.set(guildId, l);
      return l;
    },
  };
  const loader = {
    load: async () => {
      const s = new PassThrough();
      return { stream: s, container: 'ogg-opus', pipeline: 'passthrough', dispose: () => s.destroy() };
    },
  };
  const notifier = { send: async () => undefined };
  const clock = {
    now: () => Date.now(),
    setTimeout: (f, ms) => setTimeout(f, ms),
    clearTimeout: (t) => clearTimeout(t),
  };
  const store = memoryStore();
  let supervisor;
  const sessions = new SessionManager(
    voice,
    (guildId, link, seed) => {
      const session = new GuildSession({
        guildId,
        link,
        loader,
        notifier,
        clock,
        logger: silent,
        textChannelId: seed.textChannelId,
        queue: new Queue(),
      });
      supervisor.watch(session);
      return session;
    },
    maxSessions,
    silent,
  );
  supervisor = new SessionSupervisor({
    idleTimeoutMs: 60_000,
    aloneTimeoutMs: 60_000,
    clock,
    notifier,
    listeners: () => 1,
    stays: () => false,
    end: (g, r) => sessions.end(g, r),
  });
  const persistence = new SessionPersistence(store, sessions, clock, silent);
  persistence.start();
  return { sessions, supervisor, persistence, store, links };
}

const ENDINGS = ['left', 'kicked', 'idle', 'evicted'];

/** One cycle: join, queue three tracks, play, skip once, end one of four ways. */
async function cycle(ctx, i) {
  const guildId = `g${i % 200}`;
  const session = await ctx.sessions.acquire(guildId, 'voice', { textChannelId: 'text' });
  ctx.peak = Math.max(ctx.peak ?? 0, ctx.sessions.size);
  const result = await session.enqueue([track(i), track(i + 1), track(i + 2)], { id: 'u', name: 'U' });
  await result.started;
  await session.skip();
  await tick();
  const ending = ENDINGS[i % ENDINGS.length];
  if (ending === 'kicked') ctx.links.get(guildId)?.emit('gone', 'kicked');
  else if (ending === 'idle') {
    await session.stop();
    ctx.sessions.end(guildId, 'idle');
  } else ctx.sessions.end(guildId, ending);
  ctx.links.delete(guildId);
}

const heapMb = () => {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 1048576;
};
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

export async function runSoak(cycles = 10_000) {
  const ctx = build(100);
  for (let i = 0; i < 200; i += 50) await Promise.all(Array.from({ length: 50 }, (_, j) => cycle(ctx, i + j))); // warm-up
  await tick();
  const before = {
    heapMb: heapMb(),
    timers: timers(),
    managerListeners: ctx.sessions.listenerCount('created') + ctx.sessions.listenerCount('ended'),
  };
  const started = performance.now();
  // 50 guilds at a time, so sessions overlap as they do on a busy bot.
  for (let i = 0; i < cycles; i += 50)
    await Promise.all(Array.from({ length: Math.min(50, cycles - i) }, (_, j) => cycle(ctx, i + j)));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const after = {
    heapMb: heapMb(),
    timers: timers(),
    managerListeners: ctx.sessions.listenerCount('created') + ctx.sessions.listenerCount('ended'),
  };
  ctx.persistence.stop();
  return {
    cycles,
    seconds: (performance.now() - started) / 1000,
    finalSessions: ctx.sessions.size,
    peakSessions: ctx.peak,
    persistedSnapshots: ctx.store.size(),
    heapBeforeMb: Number(before.heapMb.toFixed(2)),
    heapAfterMb: Number(after.heapMb.toFixed(2)),
    heapGrowthKbPerThousandCycles: Number((((after.heapMb - before.heapMb) * 1024 * 1000) / cycles).toFixed(1)),
    timersBefore: before.timers,
    timersAfter: after.timers,
    managerListenersBefore: before.managerListeners,
    managerListenersAfter: after.managerListeners,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const cycles = Number(process.argv[2] ?? 10_000);
  const result = await runSoak(cycles);
  console.log(JSON.stringify(result, null, 2));
  const ok = result.finalSessions === 0 && result.persistedSnapshots === 0 && result.heapGrowthKbPerThousandCycles < 64;
  console.log(ok ? 'soak: OK (no sessions left, heap flat)' : 'soak: LEAK SUSPECTED');
  process.exit(ok ? 0 : 1);
}
