import type { ChildProcess } from 'node:child_process';
import { ShardingManager, type Shard } from 'discord.js';
import { systemClock, type Clock, type TimerHandle } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';

/** main.ts exits with 2 for a configuration error: respawning cannot fix that, so everything stops. */
export const CONFIG_EXIT_CODE = 2;

export interface SupervisorOptions {
  /** Absolute path of the shard entry (dist/main.js). */
  readonly file: string;
  readonly token: string;
  readonly totalShards: number;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Respawn delay after a death: doubles per quick death from `initialMs` to `maxMs` (default 1 s → 60 s). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number; readonly stableMs: number };
  /** Pause between starting shards (default 5.5 s: Discord allows one identify per 5 s per bucket). */
  readonly spawnDelayMs?: number;
  /** After forwarding a signal, children get this long before SIGKILL (default 15 s; main.ts exits within 10 s). */
  readonly shutdownDeadlineMs?: number;
  readonly execArgv?: readonly string[];
  /** Called once when a shard reports an error respawning cannot fix (exit code 2). */
  readonly onFatal?: (reason: string) => void;
}

interface Life {
  spawnedAt: number;
  quickDeaths: number;
  timer: TimerHandle | undefined;
}

/**
 * Runs discord.js's ShardingManager (one child process per shard) with our own respawn policy instead of its
 * immediate one: a shard that dies is restarted after a backoff that grows while it keeps dying quickly (a
 * bad token or a crash loop must not fork a process every few milliseconds) and resets once it has stayed
 * up for `stableMs`. Invariants: nothing is respawned once shutdown has begun; shutdown forwards the signal
 * to every live child and resolves only when all have exited (or were killed at the deadline).
 */
export class ShardSupervisor {
  readonly manager: ShardingManager;
  private readonly clock: Clock;
  private readonly lives = new Map<number, Life>();
  private stopping = false;
  private fatal = false;

  constructor(private readonly options: SupervisorOptions) {
    this.clock = options.clock ?? systemClock;
    this.manager = new ShardingManager(options.file, {
      token: options.token,
      totalShards: options.totalShards,
      mode: 'process',
      respawn: false,
      execArgv: [...(options.execArgv ?? process.execArgv)],
    });
    this.manager.on('shardCreate', (shard) => this.watch(shard));
  }

  /** Starts every shard, `spawnDelayMs` apart, without waiting for each to become ready (deaths are handled). */
  async start(): Promise<void> {
    const { totalShards, spawnDelayMs = 5500 } = this.options;
    this.options.logger.info({ shards: totalShards, file: this.options.file }, 'starting shards');
    await this.manager.spawn({ amount: totalShards, delay: spawnDelayMs, timeout: -1 });
  }

  /** Forwards `signal` to every shard and resolves once all have exited; idempotent. */
  async shutdown(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.stopping = true;
    for (const life of this.lives.values()) if (life.timer) this.clock.clearTimeout(life.timer);
    const children = [...this.manager.shards.values()]
      .map((s) => s.process)
      .filter((c): c is ChildProcess => isAlive(c));
    this.options.logger.info({ signal, shards: children.length }, 'stopping shards');
    await Promise.all(children.map((child) => this.stopChild(child, signal)));
  }

  private watch(shard: Shard): void {
    const life: Life = { spawnedAt: this.clock.now(), quickDeaths: 0, timer: undefined };
    this.lives.set(shard.id, life);
    const logger = this.options.logger.child({ shard: shard.id });
    shard.on('spawn', (spawned) => {
      const child = spawned as ChildProcess; // process mode: never a Worker
      life.spawnedAt = this.clock.now();
      // A shard the initial spawn loop started after shutdown began: stop it straight away.
      if (this.stopping) child.kill('SIGTERM');
      else logger.info({ childPid: child.pid }, 'shard process started');
    });
    shard.on('ready', () => logger.info('shard ready'));
    shard.on('error', (error) => logger.error({ err: error }, 'shard error'));
    shard.on('death', (child) => this.onDeath(shard, life, child as ChildProcess, logger));
  }

  private onDeath(shard: Shard, life: Life, child: ChildProcess, logger: Logger): void {
    if (this.stopping) return;
    const code = child.exitCode;
    if (code === CONFIG_EXIT_CODE)
      return this.fail(`shard ${shard.id} exited with code ${code}: fix the configuration (see its output above)`);
    const backoff = this.options.backoff ?? { initialMs: 1000, maxMs: 60_000, stableMs: 60_000 };
    const uptime = this.clock.now() - life.spawnedAt;
    life.quickDeaths = uptime >= backoff.stableMs ? 1 : life.quickDeaths + 1;
    const delayMs = Math.min(backoff.maxMs, backoff.initialMs * 2 ** (life.quickDeaths - 1));
    logger.warn({ code, signal: child.signalCode, uptimeMs: uptime, delayMs }, 'shard died; restarting');
    life.timer = this.clock.setTimeout(() => {
      life.timer = undefined;
      if (this.stopping) return;
      shard.spawn(-1).catch((error: unknown) => logger.error({ err: error }, 'could not restart shard'));
    }, delayMs);
  }

  private fail(reason: string): void {
    if (this.fatal) return;
    this.fatal = true;
    this.options.logger.error(reason);
    this.options.onFatal?.(reason);
  }

  /** Signals one child and waits for its exit, escalating to SIGKILL at the deadline. */
  private stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
    return new Promise((resolve) => {
      if (!isAlive(child)) return resolve();
      const kill = this.clock.setTimeout(() => {
        this.options.logger.warn({ childPid: child.pid }, 'shard did not exit in time; killing it');
        child.kill('SIGKILL');
      }, this.options.shutdownDeadlineMs ?? 15_000);
      child.once('exit', () => {
        this.clock.clearTimeout(kill);
        resolve();
      });
      child.kill(signal);
    });
  }
}

function isAlive(child: ChildProcess | null | undefined): child is ChildProcess {
  return !!child && child.exitCode === null && child.signalCode === null;
}
