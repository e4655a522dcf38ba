import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, parseDuration } from '../../src/config.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB';

describe('parseConfig', () => {
  it('applies documented defaults', () => {
    const config = parseConfig({ DISCORD_TOKEN: TOKEN });
    expect(config).toMatchObject({
      apiUrl: 'https://discord.com/api',
      dataDir: './data',
      httpPort: 8080,
      logLevel: 'info',
      allowedPrivateHosts: [],
      maxSessions: 100,
      idleTimeoutMs: 300_000,
      aloneTimeoutMs: 120_000,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads FEEDBACK_CHANNEL_ID as a channel id and refuses anything else', () => {
    expect(parseConfig({ DISCORD_TOKEN: TOKEN }).feedbackChannelId).toBeUndefined();
    expect(parseConfig({ DISCORD_TOKEN: TOKEN, FEEDBACK_CHANNEL_ID: '123456789012345678' }).feedbackChannelId).toBe(
      '123456789012345678',
    );
    expect(() => parseConfig({ DISCORD_TOKEN: TOKEN, FEEDBACK_CHANNEL_ID: '#feedback' })).toThrow(
      /FEEDBACK_CHANNEL_ID/,
    );
    expect(parseConfig({ DISCORD_TOKEN: TOKEN }).statusSampleMs).toBe(60_000);
  });

  it('reports every problem at once, each with what to do', () => {
    let error: unknown;
    try {
      parseConfig({ HTTP_PORT: 'eighty', LOG_LEVEL: 'loud', DISCORD_API_URL: 'ftp://x', IDLE_TIMEOUT: 'soon' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(5);
    expect(problems[0]).toMatch(/DISCORD_TOKEN is not set.*\.env/);
    expect(problems.join('\n')).toMatch(/HTTP_PORT.*0 to 65535/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL must be one of/);
    expect(problems.join('\n')).toMatch(/DISCORD_API_URL must be an http\(s\) URL/);
    expect(problems.join('\n')).toMatch(/IDLE_TIMEOUT must be a duration/);
  });

  it('strips a pasted "Bot " prefix and trailing slashes, lower-cases allowed hosts', () => {
    const config = parseConfig({
      DISCORD_TOKEN: `Bot ${TOKEN}`,
      DISCORD_API_URL: 'http://127.0.0.1:5000/api/',
      ALLOWED_PRIVATE_HOSTS: ' NAS.local:8000 , 192.168.1.10 ',
    });
    expect(config.token).toBe(TOKEN);
    expect(config.apiUrl).toBe('http://127.0.0.1:5000/api');
    expect(config.allowedPrivateHosts).toEqual(['nas.local:8000', '192.168.1.10']);
  });

  it('rejects something that is not a token', () => {
    expect(() => parseConfig({ DISCORD_TOKEN: 'hello world' })).toThrow(/does not look like a bot token/);
  });
});

describe('parseDuration', () => {
  it.each([
    ['90', 90_000],
    ['90s', 90_000],
    ['1500ms', 1500],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
  ])('%s → %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'soon', '5 m', '1x', 'm5'])('rejects %j', (text) => expect(parseDuration(text)).toBeUndefined());
});

describe('portForShard', () => {
  it('gives shard N the port HTTP_PORT + N under the sharding manager only', async () => {
    const { portForShard } = await import('../../src/config.js');
    expect(portForShard(8080, {})).toBe(8080);
    expect(portForShard(8080, { SHARDING_MANAGER: 'true', SHARDS: '3' })).toBe(8083);
    expect(portForShard(8080, { SHARDING_MANAGER: 'true', SHARDS: '[2,5]' })).toBe(8082);
    expect(portForShard(0, { SHARDING_MANAGER: 'true', SHARDS: '3' })).toBe(0);
    expect(portForShard(8080, { SHARDING_MANAGER: 'true', SHARDS: 'auto' })).toBe(8080);
  });
});

describe('unit-less durations', () => {
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      parseConfig({ DISCORD_TOKEN: 'aaaa.bbbb.cccc', ...env });
      return [];
    } catch (error) {
      return error instanceof ConfigError ? [...error.problems] : [String(error)];
    }
  };

  it('refuses a bare number above a day of seconds and says which milliseconds were probably meant', () => {
    expect(problemsOf({ IDLE_TIMEOUT: '300000' })).toEqual([
      'IDLE_TIMEOUT=300000 has no unit, so it means 300000 seconds (83h20m): did you mean 300000ms (5m)? ' +
        'Write the unit, e.g. 300000ms, 90s or 5m.',
    ]);
    expect(problemsOf({ CACHE_TTL: '3600000' })[0]).toMatch(/did you mean 3600000ms \(1h\)\?/);
    expect(problemsOf({ FETCH_TIMEOUT: '10000' })[0]).toMatch(/did you mean 10000ms \(10s\)\?/);
  });

  it('keeps plausible bare seconds and anything with a unit', () => {
    expect(
      problemsOf({ IDLE_TIMEOUT: '300', ALONE_TIMEOUT: '86400', CACHE_TTL: '300000ms', FETCH_TIMEOUT: '30' }),
    ).toEqual([]);
    expect(parseConfig({ DISCORD_TOKEN: 'aaaa.bbbb.cccc', IDLE_TIMEOUT: '300000ms' }).idleTimeoutMs).toBe(300_000);
  });
});

describe('AUDIO_WORKERS', () => {
  it('is 0 (in-process) unless set, takes auto or 0 to 64, and names the choices when wrong', () => {
    expect(parseConfig({ DISCORD_TOKEN: TOKEN }).audioWorkers).toBe(0);
    expect(parseConfig({ DISCORD_TOKEN: TOKEN, AUDIO_WORKERS: 'AUTO' }).audioWorkers).toBe('auto');
    expect(parseConfig({ DISCORD_TOKEN: TOKEN, AUDIO_WORKERS: '0' }).audioWorkers).toBe(0);
    expect(parseConfig({ DISCORD_TOKEN: TOKEN, AUDIO_WORKERS: ' 3 ' }).audioWorkers).toBe(3);
    for (const bad of ['-1', '65', 'two', '1.5'])
      expect(() => parseConfig({ DISCORD_TOKEN: TOKEN, AUDIO_WORKERS: bad })).toThrow(
        /AUDIO_WORKERS must be auto or a whole number from 0 to 64/,
      );
  });
});
