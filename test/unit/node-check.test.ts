import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeVersionProblem } from '../../src/node-version.js';

/**
 * The Node version gate in front of `dist/main.js` and `dist/ops/doctor-cli.js`: an old Node gets one line with
 * the fix (and exit status 2) instead of an import error. Run against the built entries (`npm run build`), both
 * under a stubbed `process.versions.node` and, where the machine has one, under a real older Node binary
 * (Debian's /usr/bin/node: v18 on bookworm, v20 on this build machine).
 */
const ROOT = join(import.meta.dirname, '..', '..');
const ENTRIES = ['dist/main.js', 'dist/ops/doctor-cli.js'];
const ONE_LINE =
  /^tunebot needs Node\.js 22\.12 or newer, but \S+ is v\d+\.\d+\.\d+\. Fix: run `source scripts\/provision\.sh` once .*\n$/;

function run(node: string, args: string[]) {
  return spawnSync(node, args, {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, DISCORD_TOKEN: '' },
  });
}

describe('nodeVersionProblem', () => {
  it.each(['18.19.0', '20.20.2', '22.11.0', '16.0.0'])('refuses %s in one line that says how to fix it', (version) => {
    const problem = nodeVersionProblem(version, '/usr/bin/node');
    expect(problem).toContain(`/usr/bin/node is v${version}`);
    expect(problem).not.toContain('\n');
    expect(problem).toMatch(/Fix: run `source scripts\/provision\.sh`/);
  });

  it.each(['22.12.0', '22.23.3', '24.1.0'])('accepts %s', (version) => {
    expect(nodeVersionProblem(version, 'node')).toBeUndefined();
  });
});

describe.each(ENTRIES)('%s on an old Node', (entry) => {
  it('prints the one-line fix under a stubbed Node 18 and exits 2 before loading anything else', () => {
    const stub = 'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"18.19.0"})';
    const result = run(process.execPath, ['--import', stub, entry]);
    expect(result.stderr).toMatch(ONE_LINE);
    expect(result.stderr).toContain('is v18.19.0');
    expect(result.stdout).toBe('');
    expect(result.status).toBe(2);
  });

  const system = '/usr/bin/node';
  const systemVersion = existsSync(system) ? run(system, ['-p', 'process.versions.node']).stdout.trim() : '';
  const old = systemVersion !== '' && nodeVersionProblem(systemVersion, system) !== undefined;
  it.runIf(old)(`prints the same line under the real ${system} (v${systemVersion || '?'})`, () => {
    const result = run(system, [entry]);
    expect(result.stderr).toMatch(ONE_LINE);
    expect(result.stderr).toContain(`${system} is v${systemVersion}`);
    expect(result.status).toBe(2);
  });
});
