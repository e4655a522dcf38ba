import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The fake yt-dlp executable (see the script's header for its switches). */
export const FAKE_YTDLP = fileURLToPath(new URL('../../fixtures/fake-yt-dlp.mjs', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../../fixtures/ytdlp/', import.meta.url));

export const loadFixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Record<string, unknown>;

/** process.env plus the fake's switches (undefined values removed). */
export function fakeEnv(vars: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('FAKE_YTDLP_')) delete env[key];
  for (const [key, value] of Object.entries(vars)) if (value !== undefined) env[key] = value;
  return env;
}

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'ytdlp-test-'));

/** Alive = present and not a zombie (a container's PID 1 may never reap orphans). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Polls `predicate` in real time until true or the deadline passes. */
export async function waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Pids written by the fake to FAKE_YTDLP_PID_FILE, once it is ready. */
export async function readyPids(pidFile: string, count = 1): Promise<number[]> {
  const read = () => (existsSync(pidFile) ? readFileSync(pidFile, 'utf8').split('\n').filter(Boolean).map(Number) : []);
  await waitFor(() => read().length >= count, 10_000, 'the fake yt-dlp to start');
  return read();
}

export const readArgsLog = (file: string): string[][] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as string[]);
