import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { REPO_ROOT } from '../offline-discord/index.js';
import { freePort, type Stack, type StackOptions, startStack } from './harness.js';

/**
 * The web player end to end: the real bot process with WEB_ENABLED=true, its page and API on a loopback port,
 * Discord login through the offline Discord's OAuth2 consent page, driven in Debian's Chromium.
 */
export interface WebStack {
  readonly stack: Stack;
  /** The page's origin (PUBLIC_URL), e.g. http://127.0.0.1:20123. */
  readonly url: string;
  /** The offline Discord's origin (DISCORD_OAUTH_URL): where the browser authorizes. */
  readonly discordOrigin: string;
}

/** Matches the offline Discord's default OAuth2 client secret (test/offline-discord/oauth-routes.ts). */
export const CLIENT_SECRET = 'offline-client-secret';

export async function startWebStack(options: Omit<StackOptions, 'env'> = {}): Promise<WebStack> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const stack = await startStack({
    ...options,
    // DISCORD_OAUTH_URL is left to its default, DISCORD_API_URL without /api: the offline Discord's origin.
    env: {
      WEB_ENABLED: 'true',
      WEB_PORT: String(port),
      WEB_HOST: '127.0.0.1',
      PUBLIC_URL: url,
      DISCORD_CLIENT_SECRET: CLIENT_SECRET,
    },
  });
  return { stack, url, discordOrigin: new URL(stack.discord.apiUrl).origin };
}

/**
 * Logs `username` in the way a member does: the page's login button, Discord's consent page (the offline
 * Discord reads who is "logged in to Discord" from its `offline_discord_user` cookie), Authorize, back on the page.
 */
export async function logIn(browser: Browser, web: WebStack, username: string, viewport = DESKTOP): Promise<Page> {
  const context: BrowserContext = await browser.newContext({
    viewport,
    ...(viewport.width < 500 ? PHONE_OPTIONS : {}),
  });
  // The consent page is the offline Discord's: a browser asks its origin for /favicon.ico, which is no API route.
  await context.route(`${web.discordOrigin}/favicon.ico`, (route) => route.abort());
  await context.addCookies([{ name: 'offline_discord_user', value: username, url: web.discordOrigin }]);
  const page = await context.newPage();
  const seen: string[] = [];
  problems.set(page, seen);
  page.on('pageerror', (error) => seen.push(String(error)));
  page.on('console', (m) => /Content Security Policy|Refused to/.test(m.text()) && seen.push(m.text()));
  await page.goto(web.url);
  await page.getByTestId('login').click();
  await page.getByTestId('oauth-authorize').click();
  await page.getByTestId('logout').waitFor({ timeout: 15_000 });
  return page;
}

const problems = new WeakMap<Page, string[]>();

/** The page errors and CSP violations a page logged in by {@link logIn} has reported so far. */
export const problemsOf = (page: Page): readonly string[] => problems.get(page) ?? [];

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
const PHONE_OPTIONS = { hasTouch: true, isMobile: true, deviceScaleFactor: 1 };

/** Saves a screenshot under $SCREENSHOTS (e.g. docs/screenshots) when it is set: `npm run screenshots`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOTS;
  if (!dir) return;
  const target = join(REPO_ROOT, dir);
  mkdirSync(target, { recursive: true });
  await page.screenshot({ path: join(target, `${name}.png`), fullPage: false });
}
