import type { SpotifyApi, SpotifyCollectionData, SpotifyTrackData } from './spotify-source.js';

/**
 * play-dl's Spotify support, behind the `SpotifyApi` boundary. play-dl (1.9.7, unmaintained, pinned) keeps
 * its credentials in module state set by `setToken`, and only knows the refresh-token flow. Owners who set
 * SPOTIFY_REFRESH_TOKEN get exactly that; the others get the client-credentials flow, which needs no user
 * login and reads public tracks, albums and playlists: we fetch that token ourselves and put it into the
 * object play-dl keeps (its `setToken` stores the very object it is given).
 */

export interface SpotifyCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshToken?: string;
  /** Market for availability (default US). */
  readonly market?: string;
}

/** The play-dl functions we call. */
export interface PlayDlSpotify {
  setToken(options: { spotify: Record<string, unknown> }): Promise<void>;
  is_expired(): boolean;
  refreshToken(): Promise<boolean>;
  spotify(url: string): Promise<unknown>;
}

export interface SpotifyApiOptions {
  /** Default: `import('play-dl')` on first use (so bots without Spotify never load it). */
  readonly playDl?: () => Promise<PlayDlSpotify>;
  readonly fetch?: typeof fetch;
  readonly tokenUrl?: string;
  readonly now?: () => number;
}

const TOKEN_URL = 'https://accounts.spotify.com/api/token';
/** Renew this long before the token's own expiry. */
const EARLY_MS = 60_000;

export interface ClientToken {
  readonly accessToken: string;
  readonly tokenType: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

/** The client-credentials grant: an app token for public catalogue data, no user involved. */
export async function fetchClientToken(
  credentials: SpotifyCredentials,
  options: SpotifyApiOptions = {},
): Promise<ClientToken> {
  const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64');
  const response = await (options.fetch ?? fetch)(options.tokenUrl ?? TOKEN_URL, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof body['access_token'] !== 'string') {
    throw new Error(
      `Got ${response.status === 400 ? 401 : response.status} from the spotify token request: ${String(body['error'] ?? 'no token')}`,
    );
  }
  const seconds = Number(body['expires_in']) || 3600;
  const now = (options.now ?? Date.now)();
  return {
    accessToken: body['access_token'],
    tokenType: String(body['token_type'] ?? 'Bearer'),
    expiresAt: now + seconds * 1000,
  };
}

/** A `SpotifyApi` over the real play-dl. */
export function createSpotifyApi(credentials: SpotifyCredentials, options: SpotifyApiOptions = {}): SpotifyApi {
  const now = options.now ?? Date.now;
  const load = options.playDl ?? (async () => (await import('play-dl')) as unknown as PlayDlSpotify);
  const session: Record<string, unknown> = {
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    refresh_token: credentials.refreshToken ?? '',
    market: credentials.market ?? 'US',
  };
  let ready: Promise<PlayDlSpotify> | null = null;

  const login = async (): Promise<PlayDlSpotify> => {
    const playDl = await load();
    await playDl.setToken({ spotify: session });
    if (!credentials.refreshToken) await useClientToken();
    if (playDl.is_expired()) throw new Error('Got 401 from the spotify login: check the credentials');
    return playDl;
  };
  const useClientToken = async (): Promise<void> => {
    const token = await fetchClientToken(credentials, options);
    Object.assign(session, {
      access_token: token.accessToken,
      token_type: token.tokenType,
      expiry: token.expiresAt,
      expires_in: Math.round((token.expiresAt - now()) / 1000),
    });
  };
  const renew = async (playDl: PlayDlSpotify): Promise<void> => {
    const expiry = Number(session['expiry']) || 0;
    if (expiry - EARLY_MS > now() && !playDl.is_expired()) return;
    if (!credentials.refreshToken) return useClientToken();
    if (!(await playDl.refreshToken()))
      throw new Error('Got 401 from the spotify token refresh: check SPOTIFY_REFRESH_TOKEN');
  };

  return {
    async load(url: string): Promise<SpotifyTrackData | SpotifyCollectionData> {
      ready ??= login().catch((error: unknown) => {
        ready = null; // a failed login is retried on the next link, not cached forever
        throw error;
      });
      const playDl = await ready;
      await renew(playDl);
      return (await playDl.spotify(url)) as SpotifyTrackData | SpotifyCollectionData;
    },
  };
}
