import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_BINARY, RedisProcess } from '../unit/store/redis-server.js';
import { freePort } from './harness.js';
import {
  shardOf,
  startBot,
  startMediaServer,
  startOfflineDiscord,
  type BotProcess,
  type MediaServer,
  type OfflineDiscord,
} from '../offline-discord/index.js';

/**
 * Several bot processes run the way deploy/kubernetes/ runs them: StatefulSet pods with ordinals 0 and 1, each
 * deriving its shards from its ordinal (SHARDS=ordinal, SHARD_COUNT=4, SHARDS_PER_POD=2), one shared Redis, and
 * no shared disk. A pod is replaced as a rolling update does it (SIGTERM, then a new pod with the same name and
 * an empty disk) and as a crash does (SIGKILL). Throughout, the offline Discord checks from outside that every
 * shard is owned by one process and every guild has at most one voice connection; the replaced pod's sessions
 * must come back at their positions with their queues, from the store alone.
 */
const SHARD_COUNT = 4;
const PER_POD = 2;
const TONES = [330, 440, 550, 660];

interface Pod {
  readonly ordinal: number;
  readonly bot: BotProcess;
  readonly port: number;
  readonly dataDir: string;
}

let redis: RedisProcess;
let discord: OfflineDiscord;
let media: MediaServer;
const pods: Pod[] = [];
let guilds: string[] = [];
let alice = '';
let owner = '';
let sampler: ReturnType<typeof setInterval> | undefined;
const worst = { shardOwners: 0, guildVoiceConnections: 0, detail: '' };
const timeline: Record<string, number> = {};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    await sleep(25);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

async function readyz(port: number): Promise<number> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
  } catch {
    return 0;
  }
}

/** Starts pod `ordinal` as the StatefulSet would: its own name, its own empty disk, the shared store. */
async function startPod(ordinal: number): Promise<Pod> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), `tunebot-pod-${ordinal}-`));
  const bot = startBot(discord, {
    mediaHost: media.host,
    dataDir,
    env: {
      SHARDS: 'ordinal',
      SHARD_COUNT: String(SHARD_COUNT),
      SHARDS_PER_POD: String(PER_POD),
      POD_NAME: `tunebot-${ordinal}`,
      STORE_URL: redis.url,
      HTTP_PORT: String(port),
      LOG_LEVEL: 'info',
      // The media server shares this (loaded) test process; a slow answer is not what this test is about.
      FETCH_TIMEOUT: '30s',
    },
  });
  const pod = { ordinal, bot, port, dataDir };
  pods[ordinal] = pod;
  return pod;
}

/** The readiness probe passes (the gateway is up on the pod's shards), as Kubernetes would wait for. */
async function waitPodReady(pod: Pod): Promise<void> {
  await until(async () => (await readyz(pod.port)) === 200 || undefined, 60_000, `pod ${pod.ordinal} ready`);
}

async function stopPod(pod: Pod, signal: NodeJS.Signals): Promise<void> {
  await pod.bot.kill(signal, 30_000);
  rmSync(pod.dataDir, { recursive: true, force: true });
}

const podOf = (guildId: string): number => Math.floor(shardOf(guildId, SHARD_COUNT) / PER_POD);

function sample(): void {
  for (const [shard, count] of discord.gateway.openSessionsByShard()) {
    if (count > worst.shardOwners)
      worst.detail += ` shard ${shard} had ${count} sessions at ${Math.round(performance.now())};`;
    worst.shardOwners = Math.max(worst.shardOwners, count);
  }
  for (const guildId of guilds) {
    const open = discord.voice.connections(guildId).filter((c) => c.closedAt === undefined);
    if (open.length > worst.guildVoiceConnections)
      worst.detail += ` guild ${guildId} had ${open.length} voice connections (${JSON.stringify(open.map((c) => [c.id, c.userId, c.openedAt, c.identifiedAt]))}) at ${Math.round(performance.now())};`;
    worst.guildVoiceConnections = Math.max(worst.guildVoiceConnections, open.length);
  }
}

const resumedAt = (text: string): number => {
  const match = /at (\d+):(\d\d)/.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : -1;
};

beforeAll(async () => {
  if (!REDIS_BINARY)
    throw new Error('redis-server is not installed: `source scripts/provision.sh --with-redis` (CI does)');
  redis = await RedisProcess.start();
  discord = await startOfflineDiscord({ shards: SHARD_COUNT, guilds: [{ name: 'guild-0' }] });
  media = await startMediaServer();
  // Add guilds until every shard has one (ids advance with every channel, so their shards vary); the one
  // per shard plays, so each pod serves two playing guilds. Pods start afterwards and see them all.
  const byShard = new Map<number, string>();
  for (let i = 1; byShard.size < SHARD_COUNT && i < 64; i += 1) {
    for (const id of discord.world.guilds.keys())
      if (!byShard.has(shardOf(id, SHARD_COUNT))) byShard.set(shardOf(id, SHARD_COUNT), id);
    if (byShard.size < SHARD_COUNT)
      discord.addGuild({ name: `guild-${i}`, textChannels: ['general', ...(i % 2 ? ['chat'] : [])] });
  }
  guilds = [...byShard.entries()].sort(([a], [b]) => a - b).map(([, id]) => id);
  alice = discord.world.userByName('alice')!.id;
  owner = discord.world.owner.id;
  expect(new Set(guilds.map((id) => shardOf(id, SHARD_COUNT))).size).toBe(SHARD_COUNT);
  sampler = setInterval(sample, 20);
  for (const ordinal of [0, 1]) await waitPodReady(await startPod(ordinal));
}, 120_000);

afterAll(async () => {
  if (sampler) clearInterval(sampler);
  for (const pod of pods) if (pod) await stopPod(pod, 'SIGKILL');
  await discord?.close();
  await media?.close();
  await redis?.stop();
});

/** Plays a long tone (and queues a second track) in every guild; resolves when each is heard. */
async function playEverywhere(): Promise<void> {
  for (const [i, guildId] of guilds.entries()) {
    discord.setUserVoiceChannel(guildId, alice, discord.world.voiceChannel(guildId, 'Music').id);
    const long = await media.tone({ hz: TONES[i]!, seconds: 400, format: 'ogg' });
    const next = await media.tone({ hz: 990, seconds: 30, format: 'ogg' });
    await discord
      .sendCommand({ guildId, userId: alice, name: 'play', options: { query: long } })
      .reply((m) => /Started/.test(m.content ?? ''), 30_000);
    await discord
      .sendCommand({ guildId, userId: alice, name: 'play', options: { query: next } })
      .reply((m) => /Queued|queue/i.test(m.content ?? ''), 30_000);
  }
  for (const [i, guildId] of guilds.entries()) {
    await discord.voice.waitForFrequency(guildId, TONES[i]!, { toleranceHz: 4, timeoutMs: 20_000 });
  }
}

/** Replaces pod `ordinal` and waits until each of its guilds says it resumed and is heard again. */
async function replacePod(ordinal: number, signal: NodeJS.Signals): Promise<{ notes: string[]; killedAt: number }> {
  const mine = guilds.filter((id) => podOf(id) === ordinal);
  const killedAt = performance.now();
  await stopPod(pods[ordinal]!, signal);
  timeline[`${signal} → pod exited (ms)`] = performance.now() - killedAt;
  const replacement = await startPod(ordinal);
  await waitPodReady(replacement);
  timeline[`${signal} → replacement ready (ms)`] = performance.now() - killedAt;
  const notes: string[] = [];
  for (const guildId of mine) {
    const text = discord.world.textChannel(guildId, 'general').id;
    const note = await discord.waitForChannelMessage(
      text,
      (m) => /restarted/.test(m.content ?? '') && (m.at ?? 0) >= killedAt,
      30_000,
    );
    notes.push(note.content ?? '');
    const i = guilds.indexOf(guildId);
    await discord.voice.waitForFrequency(guildId, TONES[i]!, { toleranceHz: 4, since: killedAt, timeoutMs: 20_000 });
  }
  timeline[`${signal} → every session resumed and heard (ms)`] = performance.now() - killedAt;
  return { notes, killedAt };
}

describe('StatefulSet pods on one shared store', () => {
  it('each pod runs the shards of its ordinal, and every guild plays from the pod that owns it', async () => {
    await playEverywhere();
    for (const ordinal of [0, 1]) {
      const logs = pods[ordinal]!.bot.logs.map((l) => l.json).filter((j) => j?.msg === 'running these shards');
      expect(logs[0]?.shards).toEqual([ordinal * PER_POD, ordinal * PER_POD + 1]);
      // Each pod started sessions for exactly its own two guilds.
      const started = pods[ordinal]!.bot.logs.filter((l) => l.json?.msg === 'session started').map(
        (l) => l.json?.guildId,
      );
      expect(new Set(started)).toEqual(new Set(guilds.filter((id) => podOf(id) === ordinal)));
    }
    // Only the pod running shard 0 registers the application's commands.
    const puts = discord.rest.calls.filter((c) => c.method === 'PUT' && /\/commands$/.test(c.route ?? ''));
    expect(puts.length).toBe(1);
  }, 120_000);

  it('a rolling update (SIGTERM, new pod, empty disk) resumes the pod’s sessions at their positions from Redis', async () => {
    const podOne = guilds.filter((id) => podOf(id) === 1);
    // A setting changed through pod 1 must survive the pod: it lives in the shared store, not on the pod.
    const settingsGuild = podOne[0]!;
    await discord
      .sendCommand({
        guildId: settingsGuild,
        userId: owner,
        name: 'settings',
        subcommand: 'default-volume',
        options: { percent: 60 },
      })
      .reply();
    await sleep(3000); // let the tracks reach a position worth resuming
    const untouched = guilds.filter((id) => podOf(id) === 0);
    const before = untouched.map((id) => discord.voice.packets(id).length);
    const { notes, killedAt } = await replacePod(1, 'SIGTERM');
    for (const note of notes) {
      expect(resumedAt(note)).toBeGreaterThanOrEqual(2);
      expect(note).toMatch(/1 more in the queue/);
    }
    // Pod 0's guilds never stopped: they kept receiving audio while pod 1 was replaced.
    for (const [i, id] of untouched.entries())
      expect(discord.voice.packets(id).length).toBeGreaterThan(before[i]! + 50);
    const gaps = untouched.map((id) => discord.voice.gapStats(id, killedAt).max);
    expect(Math.max(...gaps)).toBeLessThan(2500); // generous: this machine is shared; a pause for the restart would be far longer
    const view = await discord
      .sendCommand({ guildId: settingsGuild, userId: owner, name: 'settings', subcommand: 'view' })
      .reply();
    expect(JSON.stringify(view)).toMatch(/60\s*%/);
  }, 180_000);

  it('a crashed pod (SIGKILL) is replaced and resumes from the last checkpoint; nothing is lost or doubled', async () => {
    await sleep(6000); // past a 5 s checkpoint
    const { notes } = await replacePod(0, 'SIGKILL');
    for (const note of notes) {
      expect(resumedAt(note)).toBeGreaterThanOrEqual(5);
      expect(note).toMatch(/1 more in the queue/);
    }
    // Every guild still has exactly its own queue: the current tone and the one queued track, once.
    for (const guildId of guilds) {
      const queue = (await discord.sendCommand({ guildId, userId: alice, name: 'queue' }).reply()).content ?? '';
      const tone = TONES[guilds.indexOf(guildId)]!;
      expect(queue).toMatch(new RegExp(`Now playing:\\*\\* ${tone}\\\\-400`));
      const upNext = queue.split('\n').filter((line) => /^`\d+\.`/.test(line));
      expect(upNext).toHaveLength(1);
      expect(upNext[0]).toMatch(/990\\-30/);
    }
    sample();
    expect(worst.shardOwners, worst.detail).toBe(1);
    expect(worst.guildVoiceConnections, worst.detail).toBe(1);
    expect(discord.gateway.takeovers).toEqual([]);
    console.info(`StatefulSet timeline: ${JSON.stringify(timeline)}`);
  }, 180_000);
});
