import type { ApiToken, CreatedToken, Guild, Me, Player, Playlist, Track } from './types.js';

/** An error answer of the API: its catalogue code and the friendly message the page shows as it is. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const FALLBACK = 'Something went wrong. Please try again.';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken = '';

/** Remembers the CSRF token from /api/me; every state-changing request sends it as `x-csrf-token`. */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    const code = typeof body.error?.code === 'string' ? body.error.code : `HTTP_${response.status}`;
    const message = typeof body.error?.message === 'string' ? body.error.message : FALLBACK;
    return new ApiError(response.status, code, message);
  } catch {
    return new ApiError(response.status, `HTTP_${response.status}`, FALLBACK);
  }
}

/** One JSON request; resolves to the parsed body (undefined for 204), rejects with an {@link ApiError}. */
export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (UNSAFE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    const init: RequestInit = { method, headers, credentials: 'same-origin' };
    if (body !== undefined) init.body = JSON.stringify(body);
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'NETWORK', 'The server cannot be reached. Check your connection and try again.');
  }
  if (!response.ok) throw await errorOf(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

type Message = { message: string };
const g = (guildId: string) => `/api/guilds/${encodeURIComponent(guildId)}`;

/** The contract's endpoints, one function each. */
export const api = {
  me: () => request<Me>('GET', '/api/me'),
  logout: () => request<void>('POST', '/auth/logout'),
  guilds: () => request<{ guilds: Guild[] }>('GET', '/api/guilds'),
  player: (id: string) => request<Player>('GET', `${g(id)}/player`),
  control: (id: string, action: 'pause' | 'resume' | 'skip' | 'previous') =>
    request<Message>('POST', `${g(id)}/player/${action}`),
  seek: (id: string, positionMs: number) => request<Message>('POST', `${g(id)}/player/seek`, { positionMs }),
  volume: (id: string, percent: number) => request<Message>('PUT', `${g(id)}/player/volume`, { percent }),
  loop: (id: string, mode: string) => request<Message>('PUT', `${g(id)}/player/loop`, { mode }),
  filter: (id: string, preset: string) => request<Message>('PUT', `${g(id)}/player/filter`, { preset }),
  queue: (id: string) => request<{ tracks: Track[] }>('GET', `${g(id)}/queue`),
  add: (id: string, query: string) => request<Message>('POST', `${g(id)}/queue`, { query }),
  remove: (id: string, entryId: number) => request<Message>('DELETE', `${g(id)}/queue/${entryId}`),
  move: (id: string, entryId: number, toIndex: number) =>
    request<Message>('POST', `${g(id)}/queue/move`, { entryId, toIndex }),
  clear: (id: string) => request<Message>('DELETE', `${g(id)}/queue`),
  shuffle: (id: string) => request<Message>('POST', `${g(id)}/queue/shuffle`),
  playlists: (id: string) => request<{ playlists: Playlist[] }>('GET', `${g(id)}/playlists`),
  playPlaylist: (id: string, name: string) =>
    request<Message>('POST', `${g(id)}/playlists/${encodeURIComponent(name)}/play`),
  tokens: () => request<{ tokens: ApiToken[] }>('GET', '/api/tokens'),
  createToken: (name: string) => request<CreatedToken>('POST', '/api/tokens', { name }),
  revokeToken: (id: string) => request<void>('DELETE', `/api/tokens/${encodeURIComponent(id)}`),
  eventsUrl: (id: string) => `${g(id)}/events`,
};
