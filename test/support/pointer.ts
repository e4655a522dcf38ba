import type { Locator, Page } from 'playwright-core';

async function centre(locator: Locator): Promise<{ x: number; y: number }> {
  await locator.scrollIntoViewIfNeeded();
  const box = await locator.boundingBox();
  if (!box) throw new Error('element is not visible');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drags `handle` with the mouse (pointer events) and drops it at the top edge of `target`. */
export async function mouseDrag(page: Page, handle: Locator, target: Locator): Promise<void> {
  const from = await centre(handle);
  const box = await target.boundingBox();
  if (!box) throw new Error('drop target is not visible');
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x, box.y + 2, { steps: 10 });
  await page.mouse.up();
}

/** The same drag with a finger: touch events through the DevTools protocol (Chrome makes them pointer events). */
export async function touchDrag(page: Page, handle: Locator, target: Locator): Promise<void> {
  const from = await centre(handle);
  const box = await target.boundingBox();
  if (!box) throw new Error('drop target is not visible');
  const cdp = await page.context().newCDPSession(page);
  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', x: number, y: number) =>
    cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }] });
  await touch('touchStart', from.x, from.y);
  const steps = 10;
  for (let i = 1; i <= steps; i += 1) await touch('touchMove', from.x, from.y + ((box.y + 2 - from.y) * i) / steps);
  await touch('touchEnd', from.x, box.y + 2);
  await cdp.detach();
}
