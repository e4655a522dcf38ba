/** What `GET /gateway/bot` answers that the shard manager uses. */
export interface GatewayBotInfo {
  readonly shards: number;
  readonly sessionStartLimit?: {
    readonly remaining: number;
    readonly total: number;
    readonly resetAfterMs: number;
    readonly maxConcurrency: number;
  };
}

export class GatewayBotError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'GatewayBotError';
  }
}

/**
 * Discord's recommended shard count, asked at DISCORD_API_URL. discord.js's own `fetchRecommendedShardCount`
 * always asks the default https://discord.com/api (its ShardingManager takes no API option), which would
 * bypass a configured DISCORD_API_URL (a proxy, or the offline fake in tests), so the manager calls this and
 * passes a number. Throws a GatewayBotError whose message says what to do.
 */
export async function fetchGatewayBot(
  apiUrl: string,
  token: string,
  timeoutMs = 10_000,
  fetchImpl: typeof fetch = fetch,
): Promise<GatewayBotInfo> {
  const url = `${apiUrl.replace(/\/+$/, '')}/v10/gateway/bot`;
  let response: Response;
  try {
    response = await fetchImpl(url, {
      headers: { authorization: `Bot ${token}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const why =
      error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw new GatewayBotError(
      `Could not reach Discord at ${url} (${why}). Check the network and DISCORD_API_URL, or set SHARDS to a number.`,
    );
  }
  if (response.status === 401) {
    throw new GatewayBotError(
      'Discord rejected DISCORD_TOKEN. Reset the token in the Developer Portal and update .env.',
      401,
    );
  }
  if (!response.ok)
    throw new GatewayBotError(
      `GET ${url} answered ${response.status}. Check DISCORD_API_URL, or set SHARDS to a number.`,
      response.status,
    );
  return parseGatewayBot(await response.json().catch(() => undefined), url);
}

function parseGatewayBot(body: unknown, url: string): GatewayBotInfo {
  const data = body as { shards?: unknown; session_start_limit?: Record<string, unknown> } | undefined;
  if (!data || typeof data.shards !== 'number' || !Number.isInteger(data.shards) || data.shards < 1) {
    throw new GatewayBotError(`GET ${url} did not return a shard count. Set SHARDS to a number.`);
  }
  const limit = data.session_start_limit;
  const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
  return {
    shards: data.shards,
    ...(limit
      ? {
          sessionStartLimit: {
            remaining: num(limit.remaining),
            total: num(limit.total),
            resetAfterMs: num(limit.reset_after),
            maxConcurrency: num(limit.max_concurrency) || 1,
          },
        }
      : {}),
  };
}
