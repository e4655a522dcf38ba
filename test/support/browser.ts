import { accessSync, constants } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/**
 * The system Chromium for real-browser tests (playwright-core drives it; its own browser download is not
 * reachable). Looked up in order: $CHROMIUM_PATH, /usr/bin/chromium (Debian), /usr/bin/chromium-browser
 * (Ubuntu, older Debian). `scripts/provision.sh --with-chromium` installs Debian's package.
 */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
    (p): p is string => typeof p === 'string' && p.length > 0,
  );
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error(
    `No Chromium found (tried ${candidates.join(', ')}): run \`source scripts/provision.sh --with-chromium\` ` +
      'or set CHROMIUM_PATH to a Chromium or Chrome binary.',
  );
}

/** A headless Chromium. As root (CI, containers) its sandbox cannot start, so it runs without it. */
export function launchChromium(): Promise<Browser> {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [...(root ? ['--no-sandbox'] : []), '--disable-dev-shm-usage', '--disable-gpu', '--mute-audio'],
  });
}
