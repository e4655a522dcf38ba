import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSpotifyApi, fetchClientToken, type PlayDlSpotify } from '../../../src/sources/catalog/spotify-api.js';

let server: Server;
let tokenUrl: string;
const seen: { auth?: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ auth: req.headers.authorization, body });
      if (req.headers.authorization !== `Basic ${Buffer.from('id:secret').toString('base64')}`) {
        return void res
          .writeHead(400, { 'content-type': 'application/json' })
          .end('{"error":"invalid_client","error_description":"Invalid client"}');
      }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"access_token":"BQD-token","token_type":"Bearer","expires_in":3600}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/token`;
});
afterAll(() => server.close());

/** play-dl's module state, reduced to what we rely on: setToken keeps the object it is given. */
function fakePlayDl(refreshOk = true) {
  const state: { data?: Record<string, unknown>; refreshes: number; urls: string[] } = { refreshes: 0, urls: [] };
  const playDl: PlayDlSpotify = {
    async setToken(options) {
      state.data = options.spotify;
      if (options.spotify['refresh_token']) await playDl.refreshToken();
    },
    is_expired: () => !state.data || Date.now() >= Number(state.data['expiry'] ?? 0),
    async refreshToken() {
      state.refreshes++;
      if (!refreshOk || !state.data) return false;
      Object.assign(state.data, {
        access_token: `refreshed-${state.refreshes}`,
        token_type: 'Bearer',
        expiry: Date.now() + 3_600_000,
      });
      return true;
    },
    async spotify(url) {
      state.urls.push(`${url} with ${String(state.data?.['access_token'])}`);
      return { type: 'track' };
    },
  };
  return { playDl, state };
}

describe('fetchClientToken', () => {
  it('runs the client-credentials grant with HTTP basic auth', async () => {
    const token = await fetchClientToken({ clientId: 'id', clientSecret: 'secret' }, { tokenUrl, now: () => 1_000 });
    expect(token).toEqual({ accessToken: 'BQD-token', tokenType: 'Bearer', expiresAt: 3_601_000 });
    expect(seen.at(-1)?.body).toBe('grant_type=client_credentials');
  });

  it('reports rejected credentials as a 401 the source explains', async () => {
    await expect(fetchClientToken({ clientId: 'id', clientSecret: 'wrong' }, { tokenUrl })).rejects.toThrow(
      /Got 401.*invalid_client/,
    );
  });
});

describe('createSpotifyApi', () => {
  it('without a refresh token, logs in once with client credentials and hands play-dl the token', async () => {
    const { playDl, state } = fakePlayDl();
    const api = createSpotifyApi({ clientId: 'id', clientSecret: 'secret' }, { tokenUrl, playDl: async () => playDl });
    await api.load('https://open.spotify.com/track/a');
    await api.load('https://open.spotify.com/track/b');
    expect(state.urls).toEqual([
      'https://open.spotify.com/track/a with BQD-token',
      'https://open.spotify.com/track/b with BQD-token',
    ]);
    expect(state.data?.['market']).toBe('US');
  });

  it("with a refresh token, uses play-dl's own refresh flow", async () => {
    const { playDl, state } = fakePlayDl();
    const api = createSpotifyApi(
      { clientId: 'id', clientSecret: 'secret', refreshToken: 'rt', market: 'DE' },
      { playDl: async () => playDl },
    );
    await api.load('https://open.spotify.com/track/a');
    expect(state.urls).toEqual(['https://open.spotify.com/track/a with refreshed-1']);
    expect(state.data?.['market']).toBe('DE');
  });

  it('fails a link clearly when the login fails, and tries again on the next one', async () => {
    const { playDl, state } = fakePlayDl(false);
    const api = createSpotifyApi(
      { clientId: 'id', clientSecret: 'secret', refreshToken: 'bad' },
      { playDl: async () => playDl },
    );
    await expect(api.load('https://open.spotify.com/track/a')).rejects.toThrow(/Got 401/);
    await expect(api.load('https://open.spotify.com/track/a')).rejects.toThrow(/Got 401/);
    expect(state.refreshes).toBe(2);
  });
});
