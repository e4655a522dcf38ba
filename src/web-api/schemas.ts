/**
 * The JSON schemas of the API, one source for three things: request validation, response serialization, and
 * the OpenAPI document (@fastify/swagger turns them into /openapi.json; docs/openapi.json is its committed copy).
 */

const nullable = (type: string) => ({ type: [type, 'null'] });

export const trackSchema = {
  $id: 'Track',
  type: 'object',
  required: ['entryId', 'title', 'url', 'artworkUrl', 'durationMs', 'requestedBy', 'source'],
  additionalProperties: false,
  properties: {
    entryId: { type: 'integer' },
    title: { type: 'string' },
    url: nullable('string'),
    artworkUrl: nullable('string'),
    durationMs: nullable('integer'),
    requestedBy: nullable('string'),
    source: { type: 'string' },
  },
} as const;

export const playerSchema = {
  $id: 'Player',
  type: 'object',
  required: ['status', 'track', 'positionMs', 'volume', 'loop', 'filter', 'voiceChannelId'],
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['idle', 'loading', 'playing', 'paused'] },
    track: { anyOf: [{ $ref: 'Track#' }, { type: 'null' }] },
    positionMs: { type: 'integer', minimum: 0 },
    volume: { type: 'integer', minimum: 0, maximum: 200 },
    loop: { type: 'string', enum: ['off', 'track', 'queue'] },
    filter: { type: 'string' },
    voiceChannelId: nullable('string'),
  },
} as const;

export const queueSchema = {
  $id: 'Queue',
  type: 'object',
  required: ['tracks'],
  additionalProperties: false,
  properties: { tracks: { type: 'array', items: { $ref: 'Track#' } } },
} as const;

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: false,
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
} as const;

export const messageSchema = {
  $id: 'Message',
  type: 'object',
  required: ['message'],
  additionalProperties: false,
  properties: { message: { type: 'string' } },
} as const;

export const SHARED_SCHEMAS = [trackSchema, playerSchema, queueSchema, errorSchema, messageSchema] as const;

const ref = (id: string) => ({ $ref: `${id}#` });
const errors = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, ref('Error')]));

/** The responses of a route: its success, plus the error body for every status it can fail with. */
export const responses = (success: Record<number, unknown>, ...failures: number[]) => ({
  ...success,
  ...errors(...failures, 429),
});

export const guildParams = {
  type: 'object',
  required: ['guildId'],
  properties: { guildId: { type: 'string', pattern: '^[0-9]{15,21}$' } },
} as const;

/** A player control's answer: the text the slash command replies. */
export const controlResponses = responses({ 200: ref('Message') }, 400, 401, 403, 404, 409);
export const messageRef = ref('Message');
export const playerRef = ref('Player');
export const queueRef = ref('Queue');

export interface TrackBody {
  readonly entryId: number;
  readonly title: string;
  readonly url: string | null;
  readonly artworkUrl: string | null;
  readonly durationMs: number | null;
  readonly requestedBy: string | null;
  readonly source: string;
}

export interface PlayerBody {
  readonly status: 'idle' | 'loading' | 'playing' | 'paused';
  readonly track: TrackBody | null;
  readonly positionMs: number;
  readonly volume: number;
  readonly loop: 'off' | 'track' | 'queue';
  readonly filter: string;
  readonly voiceChannelId: string | null;
}

export interface QueueBody {
  readonly tracks: readonly TrackBody[];
}

export interface GuildSummary {
  readonly id: string;
  readonly name: string;
  readonly iconUrl: string | null;
  readonly playing: boolean;
}

export interface PlaylistSummary {
  readonly name: string;
  readonly trackCount: number;
}
