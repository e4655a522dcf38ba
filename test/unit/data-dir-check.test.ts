import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * A DATA_DIR the bot cannot create or write stops start-up with one line that says how to fix it and where the
 * troubleshooting page explains it, not a stack trace (built entry: run `npm run build` first).
 */
const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'tunebot-datadir-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an unusable DATA_DIR at start-up', () => {
  it('exits 2 with the fix and the troubleshooting anchor', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const result = spawnSync(process.execPath, ['dist/main.js'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
      env: { PATH: process.env.PATH ?? '', DISCORD_TOKEN: 'a.b.c', DATA_DIR: join(file, 'data') },
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `DATA_DIR ${join(file, 'data')} cannot be created or written (ENOTDIR). Fix: point DATA_DIR at a folder the bot's user may write ` +
        '(the systemd unit: leave DATA_DIR unset, it is /var/lib/tunebot; another path must be in ReadWritePaths=); ' +
        'see docs/troubleshooting.md#data-directory-not-writable-systemd\n',
    );
  });
});
