import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INVITE_PERMISSION_LIST, INVITE_PERMISSIONS, INVITE_SCOPES } from '../../../src/ops/invite.js';

/**
 * What a newcomer pastes from README.md and the install guides: a clone step with a placeholder that cannot be
 * mistaken for a real URL, the invite link with the permissions integer the bot itself logs, the two commands,
 * and no `OWNER` left to paste into a clone URL or an image name.
 */
const ROOT = join(import.meta.dirname, '..', '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const readme = read('README.md');

describe('README first steps', () => {
  it('clones from one configurable URL before anything else', () => {
    const start = readme.slice(readme.indexOf('## Quick start'));
    expect(start).toMatch(/export TUNEBOT_REPO=https:\/\/github\.com\/<you>\/tunebot\.git/);
    expect(start).toContain(`git clone "\${TUNEBOT_REPO:?`);
    expect(start.indexOf('git clone')).toBeLessThan(start.indexOf('source scripts/provision.sh'));
  });

  it('keeps its two commands: run the bot, run the tests', () => {
    expect(readme).toContain('**Run the bot:**\n\n```sh\nnpm ci && npm start\n```');
    expect(readme).toContain('**Run the tests:**\n\n```sh\nnpm ci && npm test\n```');
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.test).toBe('vitest run');
    expect(read('.ci/run')).toMatch(/\nnpm test\n?$/);
  });

  it('gives the invite link with the scopes and the exact permissions integer the bot logs', () => {
    const bits = INVITE_PERMISSIONS.bitfield.toString();
    expect(readme).toContain(
      `https://discord.com/oauth2/authorize?client_id=<application id>&scope=${INVITE_SCOPES.join('+')}&permissions=${bits}`,
    );
    expect(readme).toContain(`scopes\nare \`${INVITE_SCOPES.join(' ')}\``);
    const names = INVITE_PERMISSION_LIST.map(([name]) => `*${name}*`);
    const said = readme.replace(/\s+/g, ' ');
    expect(said).toContain(`\`${bits}\` is exactly ${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);
    expect(readme).toContain('Invite me to a server: …');
    expect(readme).toContain('docs/troubleshooting.md');
  });
});

describe('no OWNER placeholder to paste', () => {
  const files = [
    'README.md',
    'Dockerfile.multiarch',
    ...readdirSync(join(ROOT, 'docs'), { withFileTypes: true })
      .filter((f) => f.isFile()) // docs/screenshots/ holds the web player's PNGs
      .map((f) => `docs/${f.name}`),
    ...readdirSync(join(ROOT, 'docker'))
      .filter((f) => /\.(ya?ml|service|example)$/.test(f))
      .map((f) => `docker/${f}`),
  ];
  it.each(files)('%s', (file) => {
    expect(read(file)).not.toMatch(/github\.com\/OWNER|ghcr\.io\/OWNER|\bOWNER\//);
  });
});
