import type { WebUser } from './session-cookie.js';
import { webError } from './web-errors.js';

/**
 * Discord's OAuth2 authorization-code flow with PKCE (S256), for "Login with Discord": the authorize URL the
 * browser goes to, and the server-side code exchange and reads with the user's bearer token. Scopes are
 * `identify guilds`: who the user is and which servers they are in; nothing is ever done in their name.
 */
export interface OAuthOptions {
  /** Where browsers authorize (https://discord.com, or the offline Discord in tests). */
  readonly oauthUrl: string;
  /** DISCORD_API_URL, with `/api` (the token, @me and @me/guilds endpoints are under `${apiUrl}/v10`). */
  readonly apiUrl: string;
  readonly clientId: () => string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

export const OAUTH_SCOPES = 'identify guilds';

interface DiscordUser {
  readonly id: string;
  readonly username: string;
  readonly global_name?: string | null;
  readonly avatar?: string | null;
}

export class DiscordOAuth {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: OAuthOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  /** The consent URL: `state` ties the answer to this browser, `challenge` to this server's verifier. */
  authorizeUrl(state: string, challenge: string): string {
    const url = new URL('/oauth2/authorize', this.options.oauthUrl);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.options.clientId(),
      scope: OAUTH_SCOPES,
      state,
      redirect_uri: this.options.redirectUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      prompt: 'none',
    }).toString();
    return url.toString();
  }

  /** Exchanges the code (with the PKCE verifier) for the user's access token. */
  async exchange(code: string, verifier: string): Promise<string> {
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.options.redirectUri,
      client_id: this.options.clientId(),
      client_secret: this.options.clientSecret,
      code_verifier: verifier,
    });
    const answer = await this.call('/oauth2/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    const token = (answer as { access_token?: unknown }).access_token;
    if (typeof token !== 'string' || !token) throw webError(502, 'LOGIN_FAILED');
    return token;
  }

  /** The user and the ids of their servers, read with their bearer token. */
  async profile(accessToken: string): Promise<{ user: WebUser; guildIds: string[] }> {
    const headers = { authorization: `Bearer ${accessToken}` };
    const [me, guilds] = await Promise.all([
      this.call('/users/@me', { headers }) as Promise<DiscordUser>,
      this.call('/users/@me/guilds', { headers }) as Promise<{ id: string }[]>,
    ]);
    if (typeof me?.id !== 'string' || !Array.isArray(guilds)) throw webError(502, 'LOGIN_FAILED');
    return {
      user: { id: me.id, username: me.username, globalName: me.global_name ?? null, avatar: me.avatar ?? null },
      guildIds: guilds.map((g) => g.id).filter((id): id is string => typeof id === 'string'),
    };
  }

  private async call(path: string, init: RequestInit): Promise<unknown> {
    const response = await this.fetch(`${this.options.apiUrl}/v10${path}`, {
      ...init,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    }).catch(() => {
      throw webError(502, 'LOGIN_FAILED');
    });
    if (!response.ok) throw webError(502, 'LOGIN_FAILED');
    return response.json().catch(() => {
      throw webError(502, 'LOGIN_FAILED');
    });
  }
}
