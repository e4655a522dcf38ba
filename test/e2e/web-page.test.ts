import { rmSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { FAKE_GUILD, FakeWebApi } from '../support/fake-web-api.js';
import { fakeTrack } from '../support/fake-web-api-state.js';
import { mouseDrag, touchDrag } from '../support/pointer.js';
import { buildWebPage } from '../support/web-build.js';

/**
 * The player page in a real browser (Debian's Chromium through playwright-core) against a stand-in for the
 * bot's web API that follows WEB-CONTRACT.md: what the page shows and what it sends. The real bot behind the
 * same page is web-browser.test.ts.
 */
let outdir: string;
let api: FakeWebApi;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];
const G = `/api/guilds/${FAKE_GUILD.id}`;

function watch(p: Page): Page {
  p.on('console', (m) => m.type() === 'error' && !/status of 40\d/.test(m.text()) && problems.push(m.text()));
  p.on('pageerror', (e) => problems.push(String(e)));
  return p;
}

const sent = (method: string, path: string) =>
  expect.poll(() => api.requests.filter((r) => r.method === method && r.path === path).at(-1), { timeout: 5000 });
const queueTitles = (p: Page) => p.locator('[data-testid^="queue-item-"] .queue-title').allTextContents();
const item = (title: string) => page.locator('[data-testid^="queue-item-"]', { hasText: title });

beforeAll(async () => {
  outdir = buildWebPage();
  api = await new FakeWebApi(outdir).start();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = watch(await context.newPage());
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe('the player page (desktop)', () => {
  it('logged out shows a login button to /auth/login; after login, the server picker', async () => {
    await page.goto(api.url);
    const login = page.getByTestId('login');
    expect(await login.getAttribute('href')).toBe('/auth/login');
    await login.click();
    await page.getByTestId(`guild-${FAKE_GUILD.id}`).waitFor();
    expect(await page.getByTestId('guild-picker').textContent()).toContain('Test Server');
  });

  it('opening the server shows the track and a progress bar that moves by itself', async () => {
    await page.getByTestId(`guild-${FAKE_GUILD.id}`).click();
    await expect.poll(() => page.getByTestId('now-title').textContent()).toBe('Sine 440 Hz');
    await expect
      .poll(() => page.locator('img.artwork').evaluate((img: { naturalWidth: number }) => img.naturalWidth))
      .toBeGreaterThan(0);
    const progress = page.getByTestId('progress');
    expect(await progress.getAttribute('role')).toBe('progressbar');
    const first = Number(await progress.getAttribute('aria-valuenow'));
    await expect
      .poll(async () => Number(await progress.getAttribute('aria-valuenow')), { timeout: 5000 })
      .toBeGreaterThan(first);
    expect(await queueTitles(page)).toEqual(['Sine 500 Hz', 'Sine 600 Hz', 'Sine 700 Hz', 'Sine 800 Hz']);
  });

  it('skip posts with the CSRF header, shows the reply, and the event stream brings the next track', async () => {
    await page.getByTestId('btn-skip').click();
    await sent('POST', `${G}/player/skip`).toMatchObject({ csrf: 'fake-csrf-token' });
    await expect.poll(() => page.getByTestId('now-title').textContent()).toBe('Sine 500 Hz');
    expect(await page.getByTestId('notice').textContent()).toBe('Skipped.');
    expect(await queueTitles(page)).toEqual(['Sine 600 Hz', 'Sine 700 Hz', 'Sine 800 Hz']);
  });

  it('pause and resume swap their buttons', async () => {
    await page.getByTestId('btn-pause').click();
    await page.getByTestId('btn-resume').click();
    await page.getByTestId('btn-pause').waitFor();
    await sent('POST', `${G}/player/resume`).toBeDefined();
  });

  it('dragging a queue item with the mouse moves it (API move with the new index)', async () => {
    const last = api.state.queue[2]!;
    await mouseDrag(page, item('Sine 800 Hz').locator('.handle'), item('Sine 600 Hz'));
    await sent('POST', `${G}/queue/move`).toMatchObject({ body: { entryId: last.entryId, toIndex: 0 } });
    await expect.poll(() => queueTitles(page)).toEqual(['Sine 800 Hz', 'Sine 600 Hz', 'Sine 700 Hz']);
  });

  it('the keyboard moves an item with its move buttons and keeps the focus on it', async () => {
    await page.getByRole('button', { name: 'Move Sine 800 Hz down' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => queueTitles(page)).toEqual(['Sine 600 Hz', 'Sine 800 Hz', 'Sine 700 Hz']);
    await sent('POST', `${G}/queue/move`).toMatchObject({ body: { toIndex: 1 } });
    await expect
      .poll(() => page.evaluate("document.activeElement?.getAttribute('aria-label')"))
      .toBe('Move Sine 800 Hz down');
  });

  it('an API error is shown as it is in the role=alert element', async () => {
    api.failNext(`POST ${G}/player/skip`, 403, 'NOT_IN_VOICE', 'Join my voice channel first.');
    await page.getByTestId('btn-skip').click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Join my voice channel first.');
    expect(await page.getByTestId('now-title').textContent()).toBe('Sine 500 Hz');
  });

  it('a click on the bar seeks there; volume by keyboard; loop and filter', async () => {
    const box = (await page.getByTestId('progress').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.75, box.y + box.height / 2);
    const seekTo = () =>
      (api.requests.findLast((r) => r.path === `${G}/player/seek`)?.body as { positionMs?: number })?.positionMs;
    await expect.poll(() => Math.abs(Number(seekTo()) - 135_000)).toBeLessThan(4000);
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('');
    await page.getByTestId('volume').focus();
    await page.keyboard.press('ArrowRight');
    await sent('PUT', `${G}/player/volume`).toMatchObject({ body: { percent: 105 } });
    await page.getByLabel('Loop').selectOption('queue');
    await sent('PUT', `${G}/player/loop`).toMatchObject({ body: { mode: 'queue' } });
    await page.getByLabel('Filter').selectOption('nightcore');
    await sent('PUT', `${G}/player/filter`).toMatchObject({ body: { preset: 'nightcore' } });
  });

  it('search-and-add queues the query; remove, shuffle and clear edit the queue', async () => {
    await page.getByTestId('search-input').fill('lofi beats');
    await page.getByTestId('search-submit').click();
    await sent('POST', `${G}/queue`).toMatchObject({ body: { query: 'lofi beats' } });
    await expect.poll(() => queueTitles(page)).toContain('lofi beats');
    expect(await page.getByTestId('search-input').inputValue()).toBe('');
    await page.getByRole('button', { name: 'Remove Sine 700 Hz' }).click();
    await expect.poll(() => queueTitles(page)).toEqual(['Sine 600 Hz', 'Sine 800 Hz', 'lofi beats']);
    await page.getByTestId('btn-shuffle').click();
    await expect.poll(() => queueTitles(page)).toEqual(['lofi beats', 'Sine 800 Hz', 'Sine 600 Hz']);
    await page.getByTestId('btn-clear').click();
    await expect.poll(() => queueTitles(page)).toEqual([]);
  });

  it('a saved playlist plays from its button', async () => {
    await page.getByRole('button', { name: 'Play playlist evening' }).click();
    await sent('POST', `${G}/playlists/evening/play`).toBeDefined();
    await expect.poll(() => page.getByTestId('notice').textContent()).toBe('Queued evening.');
  });

  it('an API token is shown once when created, listed, and revoked', async () => {
    await page.getByTestId('token-name').fill('phone app');
    await page.getByTestId('token-create').click();
    await expect.poll(() => page.getByTestId('token-value').textContent()).toBe('tb_secret_t1');
    await expect.poll(() => page.getByTestId('tokens').textContent()).toContain('phone app');
    await page.getByRole('button', { name: 'Revoke token phone app' }).click();
    await expect.poll(() => page.getByTestId('tokens').textContent()).toBe('');
    expect(await page.getByTestId('token-created').count()).toBe(0);
  });

  it('keyboard only: every control has a name, Tab reaches skip with a visible focus ring, Enter presses it', async () => {
    const unnamed = await page.evaluate(`[...document.querySelectorAll('button, input, select, a[href]')]
      .filter((el) => !(el.getAttribute('aria-label') || el.textContent.trim() || el.labels?.length))
      .map((el) => el.outerHTML)`);
    expect(unnamed).toEqual([]);
    await page.locator('body').focus();
    let reached = '';
    for (let i = 0; i < 40 && reached !== 'btn-skip'; i += 1) {
      await page.keyboard.press('Tab');
      reached = String(await page.evaluate("document.activeElement?.getAttribute('data-testid') ?? ''"));
    }
    expect(reached).toBe('btn-skip');
    expect(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
    const before = api.requests.length;
    await page.keyboard.press('Enter');
    await expect
      .poll(() => api.requests.slice(before).some((r) => r.method === 'POST' && r.path === `${G}/player/skip`))
      .toBe(true);
  });

  it('every state-changing request carried the CSRF token; no console error or CSP violation', () => {
    const unsafe = api.requests.filter((r) => r.method !== 'GET' && r.path !== '/auth/login');
    expect(unsafe.length).toBeGreaterThan(10);
    for (const r of unsafe) expect(r.csrf, `${r.method} ${r.path}`).toBe('fake-csrf-token');
    expect(problems).toEqual([]);
  });

  it('log out ends the session and shows the login button again', async () => {
    await page.getByTestId('logout').click();
    await page.getByTestId('login').waitFor();
    await sent('POST', '/auth/logout').toMatchObject({ csrf: 'fake-csrf-token' });
  });
});

describe('an expired session', () => {
  it('an API call answered 401 brings back the login button, with the reason', async () => {
    await page.getByTestId('login').click();
    await page.getByTestId(`guild-${FAKE_GUILD.id}`).click();
    await context.clearCookies();
    await page.getByTestId('btn-skip').click();
    await page.getByTestId('login').waitFor();
    expect(await page.getByRole('alert').textContent()).toBe('Log in first.');
  });
});

describe('the player page on a phone (375 px, touch)', () => {
  it('fits the width and reorders the queue with a finger', async () => {
    api.state.queue = ['One', 'Two', 'Three'].map((t) => fakeTrack(t));
    const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, hasTouch: true, isMobile: true });
    const p = watch(await phone.newPage());
    await p.goto(api.url);
    await p.getByTestId('login').click();
    await p.getByTestId(`guild-${FAKE_GUILD.id}`).click();
    await expect.poll(() => queueTitles(p)).toEqual(['One', 'Two', 'Three']);
    expect(Number(await p.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(375);
    const row = (t: string) => p.locator('[data-testid^="queue-item-"]', { hasText: t });
    await touchDrag(p, row('Three').locator('.handle'), row('One'));
    await expect.poll(() => queueTitles(p)).toEqual(['Three', 'One', 'Two']);
    expect(problems).toEqual([]);
    await phone.close();
  });
});
