import { describe, expect, it } from 'vitest';
import { type ConfigError, parseConfig } from '../../../src/config.js';

const base = { DISCORD_TOKEN: 'a.b.c' };
const problems = (env: Record<string, string>): string[] => {
  try {
    parseConfig({ ...base, ...env });
    return [];
  } catch (error) {
    return (error as ConfigError).problems.slice();
  }
};

describe('web configuration', () => {
  it('is off by default', () => {
    expect(parseConfig(base).web).toBeUndefined();
  });

  it('needs PUBLIC_URL and DISCORD_CLIENT_SECRET once enabled, and says where to find them', () => {
    const found = problems({ WEB_ENABLED: 'true' });
    expect(found).toEqual([expect.stringMatching(/PUBLIC_URL/), expect.stringMatching(/OAuth2 → Client Secret/)]);
  });

  it('reads the rest with defaults: port 8081, the OAuth URL from DISCORD_API_URL, a derived session key', () => {
    const web = parseConfig({
      ...base,
      WEB_ENABLED: 'true',
      PUBLIC_URL: 'https://music.example.com/',
      DISCORD_CLIENT_SECRET: 'secret',
      DISCORD_API_URL: 'http://127.0.0.1:5000/api',
    }).web;
    expect(web).toMatchObject({
      port: 8081,
      host: '0.0.0.0',
      publicUrl: 'https://music.example.com',
      oauthUrl: 'http://127.0.0.1:5000',
      trustProxy: false,
      rateLimit: { capacity: 120, perMs: 60_000 },
    });
    expect(web?.sessionSecret).toHaveLength(43);
    expect(web?.sessionSecret).not.toContain('secret');
  });

  it('parses WEB_TRUST_PROXY and refuses a short WEB_SESSION_SECRET', () => {
    const env = { WEB_ENABLED: 'true', PUBLIC_URL: 'https://m.example', DISCORD_CLIENT_SECRET: 's' };
    expect(parseConfig({ ...base, ...env, WEB_TRUST_PROXY: '1' }).web?.trustProxy).toBe(1);
    expect(parseConfig({ ...base, ...env, WEB_TRUST_PROXY: '10.0.0.1, 10.0.0.2' }).web?.trustProxy).toEqual([
      '10.0.0.1',
      '10.0.0.2',
    ]);
    expect(problems({ ...env, WEB_SESSION_SECRET: 'short' })).toEqual([expect.stringMatching(/at least 32/)]);
  });
});
