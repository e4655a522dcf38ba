import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/ports/clock.js';
import type { Logger } from '../../../src/ports/logger.js';
import { YouTubeCanary } from '../../../src/sources/ytdlp/youtube-canary.js';
import { YouTubeHealth } from '../../../src/sources/ytdlp/youtube-health.js';
import { startYtDlpMaintenance, programRunner } from '../../../src/sources/ytdlp/ytdlp-maintenance.js';
import { YtDlpClient } from '../../../src/sources/ytdlp/ytdlp-client.js';
import { activeBinary, type UpdateResult } from '../../../src/sources/ytdlp/ytdlp-updater.js';
import { FAKE_YTDLP, fakeEnv } from './fake-ytdlp-helpers.js';

/**
 * The checked self-update against a fake package source on loopback (the "index" serves one JSON per version)
 * and a fake python/pip (test/fixtures/fake-python.mjs) that installs the fake yt-dlp into the staging venv:
 * a good version is switched in, a broken one (no ejs; or one the canary fails with) never is, and the canary
 * sets YouTube's health.
 */
const PYTHON = fileURLToPath(new URL('../../fixtures/fake-python.mjs', import.meta.url));
const CANARY = 'https://www.youtube.com/watch?v=dQw4w9WgXcQ';
const PACKAGES: Record<string, unknown> = {
  '/good': { version: '2026.09.01', install: 'healthy' },
  '/newer-good': { version: '2026.10.01', install: 'healthy' },
  '/no-ejs': { version: '2026.09.15', install: 'no-ejs' },
  '/ejs-mismatch': { version: '2026.09.16', install: 'healthy', ejs: '0.9.0' },
  '/bot-check': { version: '2026.09.17', install: 'healthy', mode: 'bot-check' },
};
let server: Server;
let index: string;
const lines: string[] = [];
const logger = (() => {
  const log = (level: string) => (obj: unknown, msg?: string) =>
    void lines.push(`${level} ${msg ?? ''} ${JSON.stringify(obj)}`);
  const l = {
    trace: log('trace'),
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    fatal: log('fatal'),
    child: () => l,
  };
  return l as unknown as Logger;
})();

beforeAll(async () => {
  server = createServer((req, res) => {
    const pkg = PACKAGES[req.url ?? ''];
    if (!pkg) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(pkg));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  index = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server?.close());

function maintenance(dataDir: string, source: string, results: UpdateResult[]) {
  const client = new YtDlpClient({
    binary: FAKE_YTDLP,
    clock: systemClock,
    env: fakeEnv(),
    resolveBinary: () => activeBinary(dataDir) ?? FAKE_YTDLP,
  });
  const health = new YouTubeHealth({ clock: systemClock });
  const m = startYtDlpMaintenance({
    client,
    clientOptions: { env: fakeEnv() },
    autoUpdate: 'startup',
    updateSource: `${index}${source}`,
    python: PYTHON,
    canaryUrl: CANARY,
    canaryIntervalMs: 3_600_000,
    dataDir,
    health,
    clock: systemClock,
    logger,
    run: programRunner(fakeEnv()),
    onUpdate: (r) => void results.push(r),
  });
  m.stop(); // no timers: the test drives updates itself
  return { client, health, updater: m.updater! };
}

describe('YTDLP_AUTO_UPDATE: staged, checked, then switched atomically', () => {
  it('switches in a good version, refuses broken ones (keeping the current), and reports "current" when nothing is newer', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ytdlp-update-'));
    const results: UpdateResult[] = [];
    const signal = () => AbortSignal.timeout(20_000);
    let m = maintenance(dataDir, '/good', results);
    await m.updater.update();
    await new Promise((r) => setTimeout(r, 50));
    expect(results).toContain('switched');
    expect(activeBinary(dataDir)).toBe(join(dataDir, 'yt-dlp', 'current', 'bin', 'yt-dlp'));
    expect(await m.client.version(signal())).toBe('2026.09.01'); // the client now runs the new one

    for (const [source, why] of [
      ['/no-ejs', /has no yt_dlp_ejs/],
      ['/ejs-mismatch', /needs 0\.9\.0/],
      ['/bot-check', /canary failed with the new yt-dlp \(YOUTUBE_BOT_CHECK\)/],
    ] as const) {
      const before = results.length;
      m = maintenance(dataDir, source, results);
      expect(await m.updater.update()).toBe('rejected');
      expect(results.slice(before)).toEqual(['rejected']);
      expect(await m.client.version(signal())).toBe('2026.09.01'); // never switched in
      expect(lines.some((l) => l.startsWith('warn') && why.test(l))).toBe(true);
    }
    expect(readdirSync(join(dataDir, 'yt-dlp')).filter((e) => e.startsWith('staging-'))).toEqual([]); // candidates deleted

    m = maintenance(dataDir, '/good', results);
    expect(await m.updater.update()).toBe('current');
    m = maintenance(dataDir, '/newer-good', results);
    expect(await m.updater.update()).toBe('switched');
    expect(await m.client.version(signal())).toBe('2026.10.01');
    expect(readdirSync(join(dataDir, 'yt-dlp', 'versions'))).toHaveLength(2); // the new one and the one before
  });

  it('an unreachable package source fails the update and keeps what is there', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ytdlp-update-'));
    const results: UpdateResult[] = [];
    const m = maintenance(dataDir, '/missing', results);
    expect(await m.updater.update()).toBe('failed');
    expect(activeBinary(dataDir)).toBeUndefined();
    expect(existsSync(join(dataDir, 'yt-dlp', 'current'))).toBe(false);
  });
});

describe('the canary', () => {
  it('sets YouTube health up when the canary plays, refusing when it does not, and records the result for the doctor', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ytdlp-canary-'));
    const health = new YouTubeHealth({ clock: systemClock });
    const run = (vars: Record<string, string>) =>
      new YouTubeCanary({
        client: new YtDlpClient({ binary: FAKE_YTDLP, clock: systemClock, env: fakeEnv(vars) }),
        url: CANARY,
        intervalMs: 1000,
        health,
        clock: systemClock,
        logger,
        dataDir,
      }).check();
    expect(await run({})).toBeNull();
    expect(health.state).toMatchObject({ status: 'up', via: 'canary' });
    expect(await run({ FAKE_YTDLP_INSTALL: 'no-runtime' })).toBe('YOUTUBE_CHALLENGE_FAILED');
    expect(health.state).toMatchObject({ status: 'refusing', via: 'canary', code: 'YOUTUBE_CHALLENGE_FAILED' });
    expect(existsSync(join(dataDir, 'yt-dlp', 'canary.json'))).toBe(true);
  });
});
