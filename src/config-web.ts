import { hkdfSync } from 'node:crypto';

/**
 * The web player and REST API's settings (issue 16), read with the rest of the configuration (src/config.ts).
 * Off unless WEB_ENABLED=true; once on, PUBLIC_URL and DISCORD_CLIENT_SECRET are required (the Discord login
 * cannot work without them) and every problem is reported at start-up with what to do.
 */
export interface WebConfig {
  /** WEB_PORT / WEB_HOST: where the page and the API listen (behind a TLS reverse proxy in production). */
  readonly port: number;
  readonly host: string;
  /** PUBLIC_URL without a trailing slash: what browsers see; the OAuth2 redirect is `${publicUrl}/auth/callback`. */
  readonly publicUrl: string;
  /** DISCORD_CLIENT_ID; undefined: the bot's own application id (known once logged in). */
  readonly clientId: string | undefined;
  readonly clientSecret: string;
  /** The key that signs cookies: WEB_SESSION_SECRET, or derived from the client secret with HKDF. */
  readonly sessionSecret: string;
  /** DISCORD_OAUTH_URL: where browsers are sent to authorize; default DISCORD_API_URL without `/api`. */
  readonly oauthUrl: string;
  /** WEB_TRUST_PROXY: false, true, a hop count, or the proxies' addresses (fastify's trustProxy). */
  readonly trustProxy: boolean | number | string[];
  /** WEB_RATE_LIMIT: requests per client and window (`120/1m`). */
  readonly rateLimit: { readonly capacity: number; readonly perMs: number };
}

/** What config.ts's reader offers (it records problems instead of throwing). */
export interface WebReader {
  bool(name: string, fallback: boolean): boolean;
  int(name: string, fallback: number, min: number, max: number): number;
  string(name: string, fallback: string): string;
  url(name: string, fallback: string): string;
  optionalSnowflake(name: string): string | undefined;
}

type Env = Record<string, string | undefined>;
type Rate = { readonly capacity: number; readonly perMs: number };

/** Reads the web settings; undefined when WEB_ENABLED is not true. */
export function readWebConfig(
  env: Env,
  read: WebReader,
  problems: string[],
  rate: (name: string, fallback: Rate) => Rate | null,
  apiUrl: string,
  portForShard: (base: number) => number,
): WebConfig | undefined {
  if (!read.bool('WEB_ENABLED', false)) return undefined;
  const publicUrl = env.PUBLIC_URL?.trim() ?? '';
  if (!publicUrl)
    problems.push('WEB_ENABLED=true needs PUBLIC_URL: the address browsers use, e.g. https://music.example.com.');
  const clientSecret = env.DISCORD_CLIENT_SECRET?.trim() ?? '';
  if (!clientSecret)
    problems.push(
      'WEB_ENABLED=true needs DISCORD_CLIENT_SECRET: Developer Portal → your application → OAuth2 → Client Secret.',
    );
  const sessionSecret = env.WEB_SESSION_SECRET?.trim() || deriveSessionSecret(clientSecret);
  if (env.WEB_SESSION_SECRET?.trim() && sessionSecret.length < 32)
    problems.push('WEB_SESSION_SECRET must be at least 32 characters long.');
  return {
    // Under `npm run start:sharded` shard N's process binds WEB_PORT + N (as HTTP_PORT), serving its shards' servers.
    port: portForShard(read.int('WEB_PORT', 8081, 1, 65535)),
    host: read.string('WEB_HOST', '0.0.0.0'),
    publicUrl: publicUrl ? read.url('PUBLIC_URL', 'https://music.example.com') : '',
    clientId: read.optionalSnowflake('DISCORD_CLIENT_ID'),
    clientSecret,
    sessionSecret,
    // https://discord.com/api → https://discord.com; the offline Discord serves its consent page the same way.
    oauthUrl: read.url('DISCORD_OAUTH_URL', apiUrl.replace(/\/api\/?$/, '') || 'https://discord.com'),
    trustProxy: parseTrustProxy(env.WEB_TRUST_PROXY),
    rateLimit: rate('WEB_RATE_LIMIT', { capacity: 120, perMs: 60_000 }) ?? { capacity: 1_000_000, perMs: 1000 },
  };
}

/** A key for cookie signatures that is not the client secret itself (HKDF-SHA256, a fixed purpose label). */
export function deriveSessionSecret(clientSecret: string): string {
  if (!clientSecret) return '';
  return Buffer.from(hkdfSync('sha256', clientSecret, 'tunebot', 'web session cookies', 32)).toString('base64url');
}

function parseTrustProxy(raw: string | undefined): WebConfig['trustProxy'] {
  const value = raw?.trim().toLowerCase() ?? '';
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
