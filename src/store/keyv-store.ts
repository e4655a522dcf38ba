import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { systemClock, type Clock, type TimerHandle } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { KeyValueStore } from '../ports/store.js';
import { openBackend, type Backend } from './keyv-backend.js';
import { parseStoreUrl, redact, type StoreLocation } from './store-url.js';

export interface KeyvStoreOptions {
  /** STORE_URL; unset = SQLite at `<dataDir>/tunebot.sqlite`. */
  readonly url?: string | undefined;
  readonly dataDir: string;
  readonly logger: Logger;
  /** Key namespace shared by every key of this bot (default `tunebot`). */
  readonly namespace?: string;
  readonly clock?: Clock;
  /** An operation slower than this counts as a failure (default 3 s): a hung store must not hang a command. */
  readonly opTimeoutMs?: number;
  /** How often `probe()` runs on its own (default 30 s; 0 = never). */
  readonly probeIntervalMs?: number;
}

type Events = { health: [healthy: boolean, problem: string | undefined] };

const PROBE_KEY = '__probe__';

/**
 * The KeyValueStore port on Keyv: SQLite under DATA_DIR by default, Redis or Postgres through STORE_URL.
 * Invariants: no method ever rejects; a failing or hung store degrades (get → undefined, set → logged, a
 * no-op; delete → false; keys → []), and `healthy` turns false with a `health` event, once per change,
 * so /readyz or a warning can say so without one log line per failed call. Health returns on the next
 * success. A periodic probe also catches what operations cannot: a SQLite file deleted or overwritten
 * while the open connection keeps serving from its cache. A deleted file is recreated (its data is gone
 * either way); a corrupted one is left for the owner, with the fix in the log.
 */
export class KeyvStore extends EventEmitter<Events> implements KeyValueStore {
  private healthyValue = true;
  private problemValue: string | undefined;
  /** Set by the probe's backend check; while set, successful operations do not restore health. */
  private checkProblem: string | undefined;
  private timer: TimerHandle | undefined;
  private closed = false;
  private readonly clock: Clock;
  private readonly opTimeoutMs: number;

  private constructor(
    private backend: Backend,
    private readonly location: StoreLocation,
    private readonly options: KeyvStoreOptions,
  ) {
    super();
    this.clock = options.clock ?? systemClock;
    this.opTimeoutMs = options.opTimeoutMs ?? 3000;
  }

  /** Opens the store; throws only for an invalid STORE_URL (a configuration error worth stopping for). */
  static async open(options: KeyvStoreOptions): Promise<KeyvStore> {
    const location = parseStoreUrl(options.url, options.dataDir);
    if (location.kind === 'sqlite') await mkdir(dirname(location.path), { recursive: true }).catch(() => undefined);
    let store: KeyvStore | undefined;
    const onError = (error: unknown): void => store?.fail(error);
    const backend = await openBackend(location, options.namespace ?? 'tunebot', onError);
    store = new KeyvStore(backend, location, options);
    store.schedule(options.probeIntervalMs ?? 30_000);
    await store.probe();
    return store;
  }

  get kind(): StoreLocation['kind'] {
    return this.location.kind;
  }

  get healthy(): boolean {
    return this.healthyValue;
  }

  /** What went wrong last, while unhealthy. */
  get problem(): string | undefined {
    return this.problemValue;
  }

  get<T>(key: string): Promise<T | undefined> {
    return this.guard('get', (keyv) => keyv.get<T>(key), undefined);
  }

  /** `ttlMs` undefined keeps the value; 0 or less stores nothing and removes any previous value. */
  async set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    if (ttlMs !== undefined && ttlMs <= 0) {
      await this.delete(key);
      return;
    }
    await this.guard('set', (keyv) => keyv.set(key, value, ttlMs), false);
  }

  delete(key: string): Promise<boolean> {
    return this.guard('delete', (keyv) => keyv.delete(key), false);
  }

  keys(prefix: string): Promise<string[]> {
    return this.guard('keys', () => this.backend.keys(prefix), []);
  }

  /**
   * Checks the store now: the backend's own check (SQLite file present and intact), then a real write,
   * read and delete. Returns the resulting health. Runs periodically on its own.
   */
  async probe(): Promise<boolean> {
    if (this.closed) return this.healthyValue;
    const problem = await this.backend
      .check()
      .catch((error: unknown) => ({ message: describe(error), recreate: false }));
    if (problem?.recreate) return this.reopen(problem.message);
    this.checkProblem = problem?.message;
    if (problem) {
      this.fail(new Error(problem.message), 'probe');
      return false;
    }
    const stamp = `${this.clock.now()}`;
    await this.guard('probe', (keyv) => keyv.set(PROBE_KEY, stamp, 60_000), false);
    const read = await this.guard('probe', (keyv) => keyv.get<string>(PROBE_KEY), undefined);
    if (read !== stamp && this.healthyValue) this.fail(new Error('probe value did not read back'), 'probe');
    await this.guard('probe', (keyv) => keyv.delete(PROBE_KEY), false);
    return this.healthyValue;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) this.clock.clearTimeout(this.timer);
    await this.withTimeout(this.backend.close()).catch(() => undefined);
  }

  /** Runs one operation with a deadline; any failure degrades to `fallback` and marks the store unhealthy. */
  private async guard<R>(op: string, run: (keyv: Backend['keyv']) => Promise<R>, fallback: R): Promise<R> {
    if (this.closed) return fallback;
    try {
      const result = await this.withTimeout(run(this.backend.keyv));
      this.recover();
      return result;
    } catch (error) {
      this.fail(error, op);
      return fallback;
    }
  }

  private withTimeout<R>(work: Promise<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const timer = this.clock.setTimeout(
        () => reject(new Error(`store did not answer within ${this.opTimeoutMs} ms`)),
        this.opTimeoutMs,
      );
      work.then(resolve, reject).finally(() => this.clock.clearTimeout(timer));
    });
  }

  /** Records a failure. Logs at error level and emits `health` only when health flips; repeats go to debug. */
  private fail(error: unknown, op?: string): void {
    const problem = describe(error);
    const flipped = this.healthyValue;
    const repeated = !flipped && this.problemValue === problem;
    this.healthyValue = false;
    this.problemValue = problem;
    if (repeated) return;
    if (!flipped) {
      this.options.logger.debug({ err: error, op, store: this.where() }, `store still unavailable: ${problem}`);
      return;
    }
    this.options.logger.error(
      { err: error, op, store: this.where() },
      `store unavailable: ${problem}. Playback continues without persistence. ${this.fix()}`,
    );
    this.emit('health', false, problem);
  }

  private recover(): void {
    if (this.healthyValue || this.checkProblem !== undefined) return;
    this.healthyValue = true;
    this.problemValue = undefined;
    this.options.logger.info({ store: this.where() }, 'store available again');
    this.emit('health', true, undefined);
  }

  /** The SQLite file vanished: close the orphaned connection (it flushes into the deleted inode) and start a fresh file. */
  private async reopen(problem: string): Promise<boolean> {
    this.checkProblem = problem;
    this.fail(new Error(problem), 'probe');
    await this.withTimeout(this.backend.close()).catch(() => undefined);
    if (this.location.kind === 'sqlite')
      await mkdir(dirname(this.location.path), { recursive: true }).catch(() => undefined);
    try {
      this.backend = await openBackend(this.location, this.options.namespace ?? 'tunebot', (error) => this.fail(error));
    } catch (error) {
      this.fail(error, 'reopen');
      return false;
    }
    this.checkProblem = undefined;
    const healthy = await this.probe();
    if (healthy)
      this.options.logger.warn({ store: this.where() }, 'store file was deleted while open: started a new, empty one');
    return healthy;
  }

  private schedule(intervalMs: number): void {
    if (intervalMs <= 0 || this.closed) return;
    this.timer = this.clock.setTimeout(() => {
      void this.probe().finally(() => this.schedule(intervalMs));
    }, intervalMs);
    this.timer.unref?.();
  }

  private where(): string {
    return this.location.kind === 'sqlite' ? this.location.path : redact(this.location.url);
  }

  private fix(): string {
    if (this.location.kind !== 'sqlite') return `Check that ${this.location.kind} at STORE_URL is reachable.`;
    return `Check that ${this.location.path} is writable by the bot's user and the disk is not full; if the file is corrupted, stop the bot and move it away (it holds only the song cache and settings).`;
  }
}

/** One line for logs and /readyz: the message, with the error code in front when the message lacks it. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = 'code' in error && error.code ? String(error.code) : '';
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}
