import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runYtDlp, type RunYtDlpOptions } from '../../../src/sources/ytdlp/ytdlp-runner.js';
import { YtDlpError } from '../../../src/sources/ytdlp/ytdlp-errors.js';
import { systemClock } from '../../../src/ports/clock.js';
import { FakeClock } from '../../support/fake-clock.js';
import { FAKE_YTDLP, fakeEnv, isAlive, readArgsLog, readyPids, tempDir, waitFor } from './fake-ytdlp-helpers.js';

const VIDEO = [
  '--dump-single-json',
  '--no-warnings',
  '-f',
  'bestaudio[acodec=opus]/bestaudio',
  '--',
  'https://youtu.be/dQw4w9WgXcQ',
];
const spawned: number[] = [];

afterEach(() => {
  // Never leave a hanging fake behind, whatever a failed assertion skipped.
  for (const pid of spawned.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

function options(extra: Partial<RunYtDlpOptions> & { vars?: Record<string, string> } = {}): RunYtDlpOptions {
  const { vars, ...rest } = extra;
  return {
    binary: FAKE_YTDLP,
    args: VIDEO,
    signal: new AbortController().signal,
    clock: systemClock,
    timeoutMs: 20_000,
    env: fakeEnv(vars),
    onSpawn: (pid) => spawned.push(pid),
    ...rest,
  };
}

const failure = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => new Error('resolved'),
    (e: unknown) => e,
  );

describe('runYtDlp against the fake executable', () => {
  it('returns stdout on success and passes the arguments through, after --ignore-config', async () => {
    const log = join(tempDir(), 'args.log');
    const { stdout, stderr } = await runYtDlp(options({ vars: { FAKE_YTDLP_ARGS_LOG: log, FAKE_YTDLP_MODE: 'warn' } }));
    expect(JSON.parse(stdout)).toMatchObject({ id: 'dQw4w9WgXcQ', format_id: '251' });
    expect(stderr).toContain('WARNING');
    expect(readArgsLog(log)).toEqual([['--ignore-config', ...VIDEO]]);
  });

  it('rejects a non-zero exit with the classified kind, exit code and stderr tail', async () => {
    const error = await failure(runYtDlp(options({ args: [...VIDEO.slice(0, -1), 'https://youtu.be/aaaaaaaaaaa'] })));
    expect(error).toBeInstanceOf(YtDlpError);
    expect(error).toMatchObject({ kind: 'unavailable', exitCode: 1 });
    expect((error as YtDlpError).stderrTail).toContain('aaaaaaaaaaa: Video unavailable');
  });

  it('classifies an unknown option (an outdated yt-dlp) as bad-invocation', async () => {
    const error = await failure(runYtDlp(options({ args: ['--dump-single-json', '--no-such-thing', '--', 'x'] })));
    expect(error).toMatchObject({ kind: 'bad-invocation', exitCode: 2 });
  });

  it('honours FAKE_YTDLP_MODE=fail with a custom status and message', async () => {
    const vars = {
      FAKE_YTDLP_MODE: 'fail',
      FAKE_YTDLP_EXIT_CODE: '3',
      FAKE_YTDLP_STDERR: 'ERROR: HTTP Error 429: Too Many Requests',
    };
    expect(await failure(runYtDlp(options({ vars })))).toMatchObject({ kind: 'blocked', exitCode: 3 });
  });

  it('reports death by signal as crashed', async () => {
    expect(await failure(runYtDlp(options({ vars: { FAKE_YTDLP_MODE: 'crash' } })))).toMatchObject({
      kind: 'crashed',
      exitCode: null,
    });
  });

  it('keeps only the tail of stderr', async () => {
    const vars = {
      FAKE_YTDLP_MODE: 'fail',
      FAKE_YTDLP_STDERR: `${'x'.repeat(5000)}\nERROR: [youtube] id: Video unavailable`,
    };
    const error = (await failure(runYtDlp(options({ vars, maxStderrBytes: 100 })))) as YtDlpError;
    expect(error.stderrTail.length).toBeLessThanOrEqual(100);
    expect(error.stderrTail).toContain('Video unavailable');
    expect(error.kind).toBe('unavailable');
  });

  it('kills the process and rejects when stdout exceeds the cap', async () => {
    const error = await failure(runYtDlp(options({ vars: { FAKE_YTDLP_MODE: 'huge' }, maxStdoutBytes: 256 * 1024 })));
    expect(error).toMatchObject({ kind: 'output-too-large' });
    await waitFor(() => spawned.every((pid) => !isAlive(pid)), 10_000, 'the process to die');
  });

  it('fails with spawn-failed when the binary does not exist', async () => {
    const error = await failure(runYtDlp(options({ binary: join(tempDir(), 'missing-yt-dlp') })));
    expect(error).toMatchObject({ kind: 'spawn-failed' });
  });

  it('does not spawn at all when the signal is already aborted', async () => {
    const reason = new Error('gone');
    const error = await failure(runYtDlp(options({ signal: AbortSignal.abort(reason) })));
    expect(error).toBe(reason);
    expect(spawned).toEqual([]);
  });

  it('times out on the injected clock, rejecting at once and killing the process', async () => {
    const clock = new FakeClock();
    const pidFile = join(tempDir(), 'pid');
    const run = failure(
      runYtDlp(options({ clock, timeoutMs: 5_000, vars: { FAKE_YTDLP_MODE: 'hang', FAKE_YTDLP_PID_FILE: pidFile } })),
    );
    const [pid] = await readyPids(pidFile);
    await clock.advance(4_999);
    expect(isAlive(pid ?? -1)).toBe(true);
    await clock.advance(1);
    expect(await run).toMatchObject({ kind: 'timeout' });
    await waitFor(() => !isAlive(pid ?? -1), 10_000, 'SIGTERM to kill the fake');
  });

  it('escalates to SIGKILL after the grace period when SIGTERM is ignored', async () => {
    const clock = new FakeClock();
    const pidFile = join(tempDir(), 'pid');
    const vars = { FAKE_YTDLP_MODE: 'hang-ignore-term', FAKE_YTDLP_PID_FILE: pidFile };
    const run = failure(runYtDlp(options({ clock, timeoutMs: 1_000, killGraceMs: 2_000, vars })));
    const [pid] = await readyPids(pidFile);
    await clock.advance(1_000);
    expect(await run).toMatchObject({ kind: 'timeout' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(isAlive(pid ?? -1)).toBe(true); // SIGTERM ignored, grace not over
    await clock.advance(2_000);
    await waitFor(() => !isAlive(pid ?? -1), 10_000, 'SIGKILL to kill the fake');
  });

  it('kills grandchildren too (the whole process group) on abort', async () => {
    const pidFile = join(tempDir(), 'pid');
    const controller = new AbortController();
    const vars = { FAKE_YTDLP_MODE: 'hang-with-child', FAKE_YTDLP_PID_FILE: pidFile };
    const run = failure(runYtDlp(options({ signal: controller.signal, vars })));
    const pids = await readyPids(pidFile, 2);
    spawned.push(...pids);
    expect(pids.every(isAlive)).toBe(true);
    const reason = new Error('skipped');
    controller.abort(reason);
    expect(await run).toBe(reason);
    await waitFor(() => pids.every((pid) => !isAlive(pid)), 10_000, 'the process group to die');
  });
});
