import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';

/** Every name `parseConfig` looks up, found by handing it an environment that records each read. */
function namesRead(): string[] {
  const names = new Set<string>();
  const env = new Proxy(
    { DISCORD_TOKEN: 'documented.test.token', WEB_ENABLED: 'true' } as Record<string, string | undefined>,
    {
      get(target, key) {
        if (typeof key === 'string') names.add(key);
        return typeof key === 'string' ? target[key] : undefined;
      },
    },
  );
  try {
    parseConfig(env);
  } catch {
    // problems are reported as one error; the names read are what this test is after
  }
  // Set by the platform, not by an owner (the shard manager, Kubernetes' downward API, the host name).
  const PLATFORM = new Set(['SHARDING_MANAGER', 'HOSTNAME', 'POD_NAME', 'POD_ORDINAL', 'NODE_ENV']);
  return [...names].filter((n) => /^[A-Z][A-Z0-9_]+$/.test(n) && !PLATFORM.has(n) && !n.startsWith('BENCH_')).sort();
}

describe('configuration is documented where owners look', () => {
  const names = namesRead();

  it('reads a plausible set of variables (the recorder works)', () => {
    expect(names).toEqual(expect.arrayContaining(['DISCORD_TOKEN', 'RATE_LIMIT_MEMBER', 'CHILD_ENV_PASSTHROUGH']));
  });

  it('.env.example names every variable the bot reads', () => {
    const example = readFileSync('.env.example', 'utf8');
    const missing = names.filter((n) => !new RegExp(`^#? ?${n}=`, 'm').test(example));
    expect(missing, 'add a commented `# NAME=default` line with a why-comment').toEqual([]);
  });

  it("README's configuration table names every variable the bot reads", () => {
    const readme = readFileSync('README.md', 'utf8');
    const missing = names.filter((n) => !readme.includes(`\`${n}\``));
    expect(missing).toEqual([]);
  });
});
