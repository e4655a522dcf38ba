import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ShardSupervisor, type SupervisorOptions } from '../../../src/ops/shard-supervisor.js';
import { recordingLogger } from '../store/recording-logger.js';

const FAKE_SHARD = fileURLToPath(new URL('./fake-shard.mjs', import.meta.url));
const TOKEN = 'MTIz.fake.token';

let dir: string;
let log: string;
let savedEnv: NodeJS.ProcessEnv;
let supervisor: ShardSupervisor | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tunebot-shards-'));
  log = join(dir, 'shards.log');
  savedEnv = { ...process.env }; // ShardingManager writes SHARDING_MANAGER, DISCORD_TOKEN… into process.env
  process.env.FAKE_SHARD_LOG = log;
});
afterEach(async () => {
  await supervisor?.shutdown('SIGKILL');
  supervisor = undefined;
  process.env = savedEnv;
  rmSync(dir, { recursive: true, force: true });
});

const lines = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
async function until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out; log:\n${lines().join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function create(mode: string, overrides: Partial<SupervisorOptions> = {}) {
  process.env.FAKE_SHARD_MODE = mode;
  const logger = recordingLogger();
  supervisor = new ShardSupervisor({
    file: FAKE_SHARD,
    token: TOKEN,
    totalShards: 2,
    logger,
    spawnDelayMs: 0,
    backoff: { initialMs: 50, maxMs: 400, stableMs: 10_000 },
    execArgv: [],
    ...overrides,
  });
  return { supervisor, logger };
}

describe('ShardSupervisor (real child processes)', () => {
  it('starts every shard with its id, count and token, respawns a dead one, and forwards SIGTERM on shutdown', async () => {
    const { supervisor, logger } = create('crash-once');
    await supervisor.start();
    await until(() => lines().filter((l) => l.startsWith('start 1/2')).length === 2);
    expect(lines().filter((l) => l.startsWith('start 0/2'))).toHaveLength(1);
    expect(lines()[0]).toContain(`token=${TOKEN}`);
    expect(
      logger.lines.some((l) => l.msg === 'shard died; restarting' && (l.obj as { delayMs: number }).delayMs === 50),
    ).toBe(true);
    const pids = lines()
      .filter((l) => l.startsWith('start'))
      .map((l) => Number(l.split(' ')[2]));
    await until(() => supervisor.manager.shards.every((s) => s.process !== null));
    await supervisor.shutdown('SIGTERM');
    expect(
      lines()
        .filter((l) => l.startsWith('sigterm'))
        .sort(),
    ).toEqual(['sigterm 0', 'sigterm 1']);
    expect(pids.filter(alive)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 150)); // no respawn after shutdown
    expect(lines().filter((l) => l.startsWith('start'))).toHaveLength(3);
  });

  it('stops respawning and reports a configuration error (exit code 2) as fatal', async () => {
    let fatal = '';
    const { supervisor } = create('config-error', { onFatal: (reason) => (fatal = reason) });
    await supervisor.start();
    await until(() => fatal !== '');
    expect(fatal).toContain('shard 1 exited with code 2');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(lines().filter((l) => l.startsWith('start 1/2'))).toHaveLength(1);
  });

  it('kills a shard that ignores SIGTERM at the deadline', async () => {
    const { supervisor, logger } = create('ignore-sigterm', { totalShards: 1, shutdownDeadlineMs: 300 });
    await supervisor.start();
    await until(() => lines().length === 1);
    const pid = Number(lines()[0]?.split(' ')[2]);
    const started = Date.now();
    await supervisor.shutdown('SIGTERM');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(alive(pid)).toBe(false);
    expect(logger.lines.some((l) => l.msg === 'shard did not exit in time; killing it')).toBe(true);
  });
});
