import { describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { locateYtDlp, requireYtDlp } from '../../../src/sources/ytdlp/ytdlp-binary.js';
import { isUserError } from '../../../src/core/errors.js';
import { FAKE_YTDLP, tempDir } from './fake-ytdlp-helpers.js';

function executable(dir: string, name = 'yt-dlp', mode = 0o755): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, '#!/bin/sh\necho 1\n');
  chmodSync(file, mode);
  return file;
}

describe('locateYtDlp', () => {
  it('uses the configured path when it is an executable file', async () => {
    expect(await locateYtDlp({ configuredPath: FAKE_YTDLP, pathEnv: '' })).toEqual({
      ok: true,
      path: FAKE_YTDLP,
      via: 'config',
    });
  });

  it('resolves a relative configured path against cwd', async () => {
    const root = tempDir();
    const file = executable(join(root, 'bin'));
    expect(await locateYtDlp({ configuredPath: 'bin/yt-dlp', cwd: root, pathEnv: '' })).toMatchObject({
      ok: true,
      path: file,
    });
  });

  it('does not fall back to PATH when the configured path is wrong', async () => {
    const onPath = tempDir();
    executable(onPath);
    const result = await locateYtDlp({ configuredPath: '/nonexistent/yt-dlp', pathEnv: onPath });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain('YTDLP_PATH=/nonexistent/yt-dlp');
  });

  it('rejects a configured file that is not executable, or a directory', async () => {
    const dir = tempDir();
    const plain = executable(dir, 'yt-dlp', 0o644);
    expect((await locateYtDlp({ configuredPath: plain })).ok).toBe(false);
    expect((await locateYtDlp({ configuredPath: dir })).ok).toBe(false);
  });

  it('searches PATH in order, skipping non-executables, directories and relative entries', async () => {
    const root = tempDir();
    executable(join(root, 'a'), 'yt-dlp', 0o644);
    mkdirSync(join(root, 'b', 'yt-dlp'), { recursive: true });
    const good = executable(join(root, 'c'));
    executable(join(root, 'd'));
    const pathEnv = ['relative/bin', join(root, 'a'), join(root, 'b'), '', join(root, 'c'), join(root, 'd')].join(':');
    expect(await locateYtDlp({ pathEnv })).toEqual({ ok: true, path: good, via: 'path' });
  });

  it('finds yt-dlp.exe on Windows-style PATHs', async () => {
    const dir = tempDir();
    const exe = executable(dir, 'yt-dlp.exe');
    expect(await locateYtDlp({ pathEnv: `C:\\nope;${dir}`, platform: 'win32' })).toMatchObject({ ok: true, path: exe });
  });

  it('explains a missing binary', async () => {
    const result = await locateYtDlp({ pathEnv: tempDir() });
    expect(result).toEqual({ ok: false, reason: 'yt-dlp was not found on PATH; install it or set YTDLP_PATH' });
  });
});

describe('requireYtDlp', () => {
  it('returns the path, or throws the user-facing error with the reason as cause', async () => {
    expect(await requireYtDlp({ configuredPath: FAKE_YTDLP })).toBe(FAKE_YTDLP);
    const error = await requireYtDlp({ pathEnv: tempDir() }).catch((e: unknown) => e);
    expect(isUserError(error) && error.code).toBe('YTDLP_MISSING');
    expect(((error as Error).cause as Error).message).toContain('not found on PATH');
    expect((error as Error).message).not.toContain('not found on PATH'); // the reason is for logs, not users
  });
});
