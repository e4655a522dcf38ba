import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * scripts/provision.sh on a machine whose `node` is Debian's old one and whose Node 22 sits under the provision
 * prefix (as after a first run): it must make that PATH permanent for later logins (profile.d), stay a no-op on
 * a second run, and stay safe to `source` from `set -euo pipefail` (.ci/run does). Sandboxed: fake node, npm,
 * id (root, so no sudo) and build tools on PATH, the prefix and profile.d in a temporary directory; nothing is
 * installed (apt-get and npm install would only run for something missing, and nothing is).
 */
const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'provision.sh');
const root = mkdtempSync(join(tmpdir(), 'tunebot-provision-'));
const fakeBin = join(root, 'bin');
const prefix = join(root, 'node22');
const nodeBin = join(prefix, 'node_modules', 'node', 'bin');
const profileD = join(root, 'profile.d');
const profile = join(profileD, 'tunebot-node.sh');

function tool(dir: string, name: string, body: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(dir, name), 0o755);
}

beforeAll(() => {
  tool(fakeBin, 'node', 'echo 18.19.0'); // what `node -p process.versions.node` says on Debian bookworm
  tool(fakeBin, 'npm', 'if [ "$1" = config ]; then echo undefined; fi');
  tool(fakeBin, 'id', 'echo 0');
  for (const name of ['ffmpeg', 'python3', 'make', 'g++']) tool(fakeBin, name, 'exit 0');
  tool(nodeBin, 'node', 'echo 22.12.0');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const env = () => ({
  PATH: `${fakeBin}:/usr/bin:/bin`,
  TUNEBOT_NODE_PREFIX: prefix,
  TUNEBOT_PROFILE_D: profileD,
  TMPDIR: root,
  HOME: root,
});
const bash = (script: string) => spawnSync('bash', ['-c', script], { encoding: 'utf8', env: env(), timeout: 30_000 });

describe('scripts/provision.sh', () => {
  it('puts the prefix Node first on every later login PATH, once', () => {
    const first = spawnSync('bash', [SCRIPT], { encoding: 'utf8', env: env(), timeout: 30_000 });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain(`export PATH="${nodeBin}:$PATH"`);
    const written = readFileSync(profile, 'utf8');
    expect(written).toContain(`PATH="${nodeBin}:$PATH"; export PATH`);
    const mtime = statSync(profile).mtimeMs;

    const second = spawnSync('bash', [SCRIPT], { encoding: 'utf8', env: env(), timeout: 30_000 });
    expect(second.status).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(readFileSync(profile, 'utf8')).toBe(written);
    expect(statSync(profile).mtimeMs).toBe(mtime);
  });

  it('makes a new login shell (sh reading profile.d) run Node 22, without repeating the PATH entry', () => {
    const login = spawnSync('sh', ['-c', `. "${profile}"; . "${profile}"; node; echo "$PATH"`], {
      encoding: 'utf8',
      env: env(),
    });
    const [version, path] = login.stdout.trim().split('\n');
    expect(version).toBe('22.12.0');
    expect(path?.split(':').filter((p) => p === nodeBin)).toHaveLength(1);
  });

  it('is safe to source from set -euo pipefail and leaves the caller its options', () => {
    const sourced = bash(`set -euo pipefail; source "${SCRIPT}"; node; echo "$-"; set -o | grep pipefail`);
    expect(sourced.status, sourced.stderr).toBe(0);
    const [version, flags, pipefail] = sourced.stdout.trim().split('\n');
    expect(version).toBe('22.12.0');
    expect(flags).toMatch(/e/);
    expect(flags).toMatch(/u/);
    expect(pipefail).toMatch(/on/);
  });
});
