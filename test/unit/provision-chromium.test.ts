import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `scripts/provision.sh --with-chromium` (what .ci/run passes for the web player's browser tests): Debian's
 * `chromium` and fonts go in through apt-get when neither `chromium` nor `chromium-browser` is on PATH, and
 * nothing when one is. Sandboxed: a PATH of the system's tools minus any Chromium, fake node/npm/id, and an
 * apt-get that only records its arguments.
 */
const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'provision.sh');
const root = mkdtempSync(join(tmpdir(), 'tunebot-provision-chromium-'));
const fakeBin = join(root, 'bin');
const system = join(root, 'system');
const withChromium = join(root, 'with-chromium');
const aptLog = join(root, 'apt.log');

function tool(dir: string, name: string, body: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(dir, name), 0o755);
}

beforeAll(() => {
  tool(fakeBin, 'node', 'echo 22.12.0');
  tool(fakeBin, 'npm', 'if [ "$1" = config ]; then echo undefined; fi');
  tool(fakeBin, 'id', 'echo 0');
  tool(fakeBin, 'apt-get', `echo "$@" >> '${aptLog}'`);
  for (const name of ['ffmpeg', 'python3', 'make', 'g++']) tool(fakeBin, name, 'exit 0');
  mkdirSync(system);
  for (const dir of ['/usr/bin', '/bin'])
    for (const name of readdirSync(dir))
      if (!/^chromium/.test(name) && !existsSync(join(system, name))) symlinkSync(join(dir, name), join(system, name));
  tool(withChromium, 'chromium', 'exit 0');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const provision = (path: string) => {
  rmSync(aptLog, { force: true });
  const run = spawnSync('bash', ['-c', `source "${SCRIPT}" --with-chromium`], {
    encoding: 'utf8',
    env: { PATH: path, TUNEBOT_NODE_PREFIX: join(root, 'node22'), TMPDIR: root, HOME: root, npm_config_nodedir: '' },
    timeout: 30_000,
  });
  return { status: run.status, stderr: run.stderr, apt: existsSync(aptLog) ? readFileSync(aptLog, 'utf8') : '' };
};

describe('scripts/provision.sh --with-chromium', () => {
  it("installs Debian's chromium and the DejaVu fonts when no Chromium is on PATH", () => {
    const run = provision(`${fakeBin}:${system}`);
    expect(run.status, run.stderr).toBe(0);
    expect(run.apt).toMatch(/^update/m);
    expect(run.apt).toMatch(/^install .*--no-install-recommends.* chromium fonts-dejavu-core$/m);
  });

  it('installs nothing when a chromium is already there', () => {
    const run = provision(`${fakeBin}:${withChromium}:${system}`);
    expect(run.status, run.stderr).toBe(0);
    expect(run.apt).toBe('');
  });
});
