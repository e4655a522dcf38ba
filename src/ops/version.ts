import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The bot's version from package.json (dist/ops/version.js → ../../package.json); `unknown` if unreadable. */
export function botVersion(): string {
  try {
    const file = fileURLToPath(new URL('../../package.json', import.meta.url));
    const version = (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' && /^[\w.+-]{1,64}$/.test(version) ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}
