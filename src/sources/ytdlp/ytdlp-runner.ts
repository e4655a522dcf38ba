/**
 * Runs one yt-dlp process and collects its output, under hard bounds.
 *
 * Invariants:
 * - the promise settles exactly once: stdout on exit 0, the caller's abort reason, or a `YtDlpError`
 *   (timeout, output too large, non-zero exit classified from stderr, spawn failure);
 * - on timeout, abort or oversize output the whole process group is sent SIGTERM, then SIGKILL after
 *   `killGraceMs` if still alive: yt-dlp starts a JavaScript runtime (and sometimes ffmpeg), and a
 *   surviving grandchild would otherwise keep the pipes open and the Pi busy;
 * - stdout is capped (`maxStdoutBytes`); only the tail of stderr is kept (`maxStderrBytes`) and it goes
 *   to logs, never to users;
 * - time comes from the injected clock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { childEnv, withIgnoreConfig } from '../../core/child-env.js';
import type { Clock, TimerHandle } from '../../ports/clock.js';
import { YtDlpError, classifyStderr } from './ytdlp-errors.js';

export interface RunYtDlpOptions {
  readonly binary: string;
  readonly args: readonly string[];
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly timeoutMs: number;
  /** Default 16 MiB: a flat 1,000-entry playlist is ~1 MiB, one video with all formats ~100 KiB. */
  readonly maxStdoutBytes?: number;
  /** Tail of stderr kept for logs (default 16 KiB). */
  readonly maxStderrBytes?: number;
  /** Wait between SIGTERM and SIGKILL (default 2 s). */
  readonly killGraceMs?: number;
  /** The child's whole environment (default: the minimal one of `childEnv`). */
  readonly env?: NodeJS.ProcessEnv;
  /** Called with the child's pid once spawned (logs, tests). */
  readonly onSpawn?: (pid: number) => void;
}

export interface YtDlpRunResult {
  readonly stdout: string;
  readonly stderr: string;
}

const DEFAULT_MAX_STDOUT = 16 * 1024 * 1024;
const DEFAULT_MAX_STDERR = 16 * 1024;

/** Sends `signal` to the child's process group (POSIX) or the child (Windows); ignores "already gone". */
function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (process.platform !== 'win32' && child.pid !== undefined) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // ESRCH: the group already exited.
  }
}

/** Collects stdout up to a byte cap and the last `max` bytes of stderr. */
class OutputBuffers {
  private stdout: Buffer[] = [];
  private stdoutBytes = 0;
  private stderr = Buffer.alloc(0);

  constructor(
    private readonly maxStdout: number,
    private readonly maxStderr: number,
  ) {}

  /** Returns false when the cap is exceeded (the chunk is dropped). */
  addStdout(chunk: Buffer): boolean {
    this.stdoutBytes += chunk.length;
    if (this.stdoutBytes > this.maxStdout) return false;
    this.stdout.push(chunk);
    return true;
  }

  addStderr(chunk: Buffer): void {
    const joined = Buffer.concat([this.stderr, chunk]);
    this.stderr = joined.length > this.maxStderr ? joined.subarray(joined.length - this.maxStderr) : joined;
  }

  result(): YtDlpRunResult {
    return { stdout: Buffer.concat(this.stdout).toString('utf8'), stderr: this.stderr.toString('utf8') };
  }
}

/** Spawns yt-dlp and resolves with its output; see the module invariants. */
export function runYtDlp(options: RunYtDlpOptions): Promise<YtDlpRunResult> {
  if (options.signal.aborted) return Promise.reject(options.signal.reason);
  return new Promise<YtDlpRunResult>((resolve, reject) => new Run(options, resolve, reject).start());
}

/** The state of one run; exists so each step stays a small method. */
class Run {
  private child: ChildProcess | undefined;
  private settled = false;
  private closed = false;
  private timeout: TimerHandle | undefined;
  private escalation: TimerHandle | undefined;
  private readonly output: OutputBuffers;
  private readonly onAbort = (): void => this.stop(this.options.signal.reason);

  constructor(
    private readonly options: RunYtDlpOptions,
    private readonly resolve: (result: YtDlpRunResult) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    this.output = new OutputBuffers(
      options.maxStdoutBytes ?? DEFAULT_MAX_STDOUT,
      options.maxStderrBytes ?? DEFAULT_MAX_STDERR,
    );
  }

  start(): void {
    const { binary, args, env } = this.options;
    // Never the bot's secrets, never a stray yt-dlp config file (see core/child-env).
    const child = spawn(binary, withIgnoreConfig(args), {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32', // own process group, so killTree reaches grandchildren
      env: env ?? childEnv(process.env),
      windowsHide: true,
    });
    this.child = child;
    child.once('error', (error) => this.onSpawnError(error));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (!this.output.addStdout(chunk))
        this.stop(new YtDlpError('output-too-large', 'yt-dlp printed more than the output cap'));
    });
    child.stderr?.on('data', (chunk: Buffer) => this.output.addStderr(chunk));
    child.once('close', (code, signal) => this.onClose(code, signal));
    this.options.signal.addEventListener('abort', this.onAbort, { once: true });
    this.timeout = this.options.clock.setTimeout(() => {
      const { stderr } = this.output.result();
      this.stop(new YtDlpError('timeout', `yt-dlp did not finish within ${this.options.timeoutMs} ms`, { stderr }));
    }, this.options.timeoutMs);
    if (child.pid !== undefined) this.options.onSpawn?.(child.pid);
  }

  /** Ends the run early: rejects now, then terminates the process group (escalating to SIGKILL). */
  private stop(reason: unknown): void {
    this.settle(() => this.reject(reason));
    if (this.closed || !this.child || this.escalation) return;
    killTree(this.child, 'SIGTERM');
    const child = this.child;
    this.escalation = this.options.clock.setTimeout(
      () => killTree(child, 'SIGKILL'),
      this.options.killGraceMs ?? 2_000,
    );
  }

  private onSpawnError(error: Error): void {
    const detail = (error as NodeJS.ErrnoException).code ?? error.message;
    this.settle(() => this.reject(new YtDlpError('spawn-failed', `could not start yt-dlp (${detail})`)));
  }

  private onClose(code: number | null, signal: NodeJS.Signals | null): void {
    this.closed = true;
    if (this.escalation) this.options.clock.clearTimeout(this.escalation);
    const { stdout, stderr } = this.output.result();
    if (code === 0) return this.settle(() => this.resolve({ stdout, stderr }));
    const kind = code === null ? 'crashed' : classifyStderr(stderr);
    const why = code === null ? `killed by ${signal ?? 'a signal'}` : `exited with status ${code}`;
    this.settle(() => this.reject(new YtDlpError(kind, `yt-dlp ${why}`, { exitCode: code, stderr })));
  }

  /** Runs `outcome` once; releases the timeout and the abort listener. */
  private settle(outcome: () => void): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timeout) this.options.clock.clearTimeout(this.timeout);
    this.options.signal.removeEventListener('abort', this.onAbort);
    outcome();
  }
}
