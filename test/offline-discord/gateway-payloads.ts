import type { APIGuildMember } from 'discord-api-types/v10';
import type { WorldGuild } from './world-builders.js';
import type { World } from './world.js';

/** READY as discord.js needs it: user, unavailable guilds, session id, resume URL, application. */
export function readyPayload(
  world: World,
  session: { id: string; shard: [number, number] },
  guilds: WorldGuild[],
  url: string,
) {
  return {
    v: 10,
    user: { ...world.bot, verified: true, mfa_enabled: false, flags: 0 },
    guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
    session_id: session.id,
    session_type: 'normal',
    resume_gateway_url: url,
    shard: session.shard,
    application: { id: world.applicationId, flags: 0 },
    private_channels: [],
    presences: [],
    relationships: [],
    geo_ordered_rtc_regions: ['offline'],
    _trace: ['offline-discord'],
  };
}

/** Answers op 8 (Request Guild Members) in one chunk. */
export function gatewayGuildMembersChunk(world: World, raw: unknown) {
  const d = (raw ?? {}) as {
    guild_id?: string;
    query?: string;
    limit?: number;
    user_ids?: string | string[];
    nonce?: string;
  };
  const guild = d.guild_id ? world.guilds.get(d.guild_id) : undefined;
  const ids = d.user_ids === undefined ? undefined : Array.isArray(d.user_ids) ? d.user_ids : [d.user_ids];
  let members: APIGuildMember[] = [...(guild?.members.values() ?? [])];
  if (ids) members = members.filter((m) => ids.includes(m.user.id));
  else if (d.query) members = members.filter((m) => m.user.username.toLowerCase().startsWith(d.query!.toLowerCase()));
  if (d.limit) members = members.slice(0, d.limit);
  const found = new Set(members.map((m) => m.user.id));
  return {
    guild_id: d.guild_id,
    members,
    chunk_index: 0,
    chunk_count: 1,
    not_found: ids ? ids.filter((id) => !found.has(id)) : [],
    ...(d.nonce ? { nonce: d.nonce } : {}),
  };
}
