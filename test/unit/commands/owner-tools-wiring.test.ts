import type { Client } from 'discord.js';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config.js';
import { createOwnerTools } from '../../../src/discord/owner-tools-wiring.js';
import { createOps } from '../../../src/ops/ops.js';
import type { SessionManager } from '../../../src/session/session-manager.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { FakeClock } from '../../support/fake-clock.js';

const silent = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
  fatal() {},
  child() {
    return silent;
  },
} as never;

function tools(owner: unknown, sent: string[] = [], feedbackChannelId?: string) {
  let fetches = 0;
  const client = {
    application: {
      fetch: async () => {
        fetches++;
        return { owner };
      },
    },
    guilds: { cache: { size: 2 } },
  } as unknown as Client;
  const clock = new FakeClock();
  const ops = createOps({
    httpPort: 0,
    httpHost: '127.0.0.1',
    logger: silent,
    clock,
    metrics: { defaultMetrics: false, childProcesses: false },
  });
  const owners = createOwnerTools({
    client,
    clock,
    logger: silent,
    ops,
    store: new MemoryStore(),
    version: '1.2.3',
    shard: undefined,
    childEnv: { PATH: process.env.PATH ?? '' },
    audio: () => ({ kind: 'in-process' }),
    config: { feedbackChannelId, ytdlpPath: '/nonexistent/yt-dlp' } as unknown as Config,
    sessions: {
      all: () => [{ state: { status: 'playing' } }, { state: { status: 'idle' } }],
    } as unknown as SessionManager,
    notifier: { send: async (channelId, content) => void sent.push(`${channelId}: ${content}`) },
  });
  return { owners, fetches: () => fetches, clock };
}

describe('createOwnerTools', () => {
  it('knows the application owner, or every member of its team, and fetches that once', async () => {
    const single = tools({ id: 'u1' });
    expect(await single.owners.isBotOwner('u1')).toBe(true);
    expect(await single.owners.isBotOwner('u2')).toBe(false);
    expect(single.fetches()).toBe(1);
    const team = tools({
      id: 'team',
      members: new Map([
        ['u3', {}],
        ['u4', {}],
      ]),
    });
    expect(await team.owners.isBotOwner('u4')).toBe(true);
    expect(await tools(null).owners.isBotOwner('u1')).toBe(false);
  });

  it('gathers a status report from the live objects', async () => {
    const report = await tools({ id: 'u1' }).owners.status();
    expect(report).toMatchObject({
      version: '1.2.3',
      guilds: 2,
      sessions: { playing: 1, idle: 1 },
      ytdlp: { ok: false, reason: 'missing' },
    });
  });

  it('forwards feedback only when FEEDBACK_CHANNEL_ID is set', async () => {
    const sent: string[] = [];
    await tools({ id: 'u1' }, sent).owners.forwardFeedback('hello');
    expect(sent).toEqual([]);
    await tools({ id: 'u1' }, sent, '42').owners.forwardFeedback('hello');
    expect(sent).toEqual(['42: hello']);
  });
});
