import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainText } from '../../web/src/message-text.js';
import { launchChromium } from '../support/browser.js';
import { mouseDrag } from '../support/pointer.js';
import { tone, toneTitle } from './commands-support.js';
import { logIn, PHONE, problemsOf, screenshot, startWebStack, type WebStack } from './web-support.js';

/**
 * Issue 16 end to end, in a real browser: the bot process serves the player page (WEB_ENABLED=true); a member
 * logs in through the offline Discord's OAuth2 consent page, opens the server, sees the track playing, skips and
 * the next tone is *heard* at the fake voice server, drags a queue item and /queue in Discord agrees; a member
 * who is not in the voice channel gets the slash command's own refusal. `npm run screenshots` (SCREENSHOTS set)
 * saves the desktop and phone screenshots from this run.
 */
let web: WebStack;
let browser: Browser;
let page: Page;
let g: string;
let alice: string;

const upNext = (text: string): string[] => text.split('\n').filter((l) => /^`\d+\.`/.test(l));
const queueTitles = (p: Page) => p.locator('[data-testid^="queue-item-"] .queue-title').allTextContents();
const item = (p: Page, hz: number) => p.locator('[data-testid^="queue-item-"]', { hasText: `${hz}-60` });

const untilSecond = (p: Page, s: number) =>
  expect
    .poll(async () => Number(await p.getByTestId('progress').getAttribute('aria-valuenow')), { timeout: 20_000 })
    .toBeGreaterThanOrEqual(s);

beforeAll(async () => {
  web = await startWebStack();
  g = web.stack.guildId;
  alice = web.stack.users.alice;
  web.stack.join(alice);
  browser = await launchChromium();
  for (const hz of [440, 660, 550, 770, 880]) await web.stack.ask(alice, 'play', { query: await tone(web.stack, hz) });
  await web.stack.discord.voice.waitForFrequency(g, 440, { toleranceHz: 4, timeoutMs: 15_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await web?.stack.close();
});

describe('the web player against the real bot', () => {
  it('logs in through the Discord consent page and opens the server: the track plays and its progress moves', async () => {
    page = await logIn(browser, web, 'alice');
    const served = await page.request.get(web.url);
    expect(served.headers()['content-security-policy']).toMatch(/default-src 'self'/);
    await page.getByTestId(`guild-${g}`).click();
    await expect.poll(() => page.getByTestId('now-title').textContent(), { timeout: 10_000 }).toMatch(/440-60/);
    const progress = page.getByTestId('progress');
    const first = Number(await progress.getAttribute('aria-valuenow'));
    await expect
      .poll(async () => Number(await progress.getAttribute('aria-valuenow')), { timeout: 10_000 })
      .toBeGreaterThan(first);
    await expect.poll(() => queueTitles(page)).toEqual(['660-60', '550-60', '770-60', '880-60']);
  });

  it('skip on the page is heard: the next tone arrives at the voice server', async () => {
    const pressed = performance.now();
    await page.getByTestId('btn-skip').click();
    await web.stack.discord.voice.waitForFrequency(g, 660, { toleranceHz: 4, since: pressed, timeoutMs: 15_000 });
    await expect.poll(() => page.getByTestId('now-title').textContent(), { timeout: 10_000 }).toMatch(/660-60/);
    await expect.poll(() => page.getByTestId('notice').textContent()).toMatch(/Skipped/);
    expect(await page.getByRole('alert').textContent()).toBe('');
  });

  it('dragging a queue item reorders the queue, and /queue in Discord agrees', async () => {
    await expect.poll(() => queueTitles(page)).toEqual(['550-60', '770-60', '880-60']);
    await mouseDrag(page, item(page, 880).locator('.handle'), item(page, 550));
    await expect.poll(() => queueTitles(page)).toEqual(['880-60', '550-60', '770-60']);
    await expect.poll(() => page.getByTestId('notice').textContent()).toMatch(/Moved/);
    const queue = upNext(await web.stack.ask(alice, 'queue'));
    expect(queue).toHaveLength(3);
    for (const [i, hz] of [880, 550, 770].entries()) expect(queue[i]).toMatch(toneTitle(hz));
    if (process.env.SCREENSHOTS) await untilSecond(page, 8); // a screenshot with the bar under way
    await screenshot(page, 'web-desktop');
  });

  it('a member who is not in the voice channel gets the same refusal as /skip gives in Discord', async () => {
    const carol = await logIn(browser, web, 'carol');
    await carol.getByTestId(`guild-${g}`).click();
    await expect.poll(() => carol.getByTestId('now-title').textContent(), { timeout: 10_000 }).toMatch(/660-60/);
    await carol.getByTestId('btn-skip').click();
    const slash = await web.stack.ask(web.stack.users.carol, 'skip');
    expect(slash).toMatch(/^❌ You need to be in my voice channel/);
    // The same catalogue text; Discord's reply marks a refusal with ❌ in front, the page with role=alert.
    // The page shows Discord's Markdown as plain text (the channel mention dropped): the same catalogue text.
    await expect.poll(() => carol.getByRole('alert').textContent()).toBe(plainText(slash.replace(/^❌ /, '')));
    expect(await page.getByTestId('now-title').textContent()).toMatch(/660-60/);
    await carol.context().close();
  });

  it('fits a phone (390 px) and keeps playing', async () => {
    const phone = await logIn(browser, web, 'alice', PHONE);
    await phone.getByTestId(`guild-${g}`).click();
    await expect.poll(() => phone.getByTestId('now-title').textContent(), { timeout: 10_000 }).toMatch(/660-60/);
    await expect.poll(() => queueTitles(phone)).toEqual(['880-60', '550-60', '770-60']);
    expect(Number(await phone.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(PHONE.width);
    await screenshot(phone, 'web-phone');
    expect(problemsOf(phone)).toEqual([]);
    await phone.context().close();
    expect(problemsOf(page)).toEqual([]); // under the server's CSP: no page error, nothing refused
    web.stack.discord.rest.assertNoViolations();
  });
});
