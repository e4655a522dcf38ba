import { PermissionFlagsBits } from 'discord-api-types/v10';
import type { CommandStore } from './command-store.js';
import type { MessageBody, MessageStore } from './message-store.js';
import type { RestServer } from './rest-server.js';
import { apiError, NO_CONTENT, ok } from './rest-types.js';
import type { RouteContext, RouteResult } from './rest-types.js';
import type { World } from './world.js';
import { guildCreatePayload } from './world-builders.js';

/** What `GET /gateway/bot` answers; `shards` is configurable for sharding tests. */
export interface GatewayInfo {
  url: string;
  shards: number;
  maxConcurrency: number;
}

interface Deps {
  world: World;
  messages: MessageStore;
  commands: CommandStore;
  gatewayInfo: () => GatewayInfo;
  /** Voice channel statuses the bot set (`PUT /channels/{id}/voice-status`), by channel id. */
  voiceStatus: Map<string, string | null>;
}

/** Users (by id) who refuse direct messages from the bot; tests add to it. */
export const DM_CLOSED = new Set<string>();

/** Registers everything except interactions: gateway, users, application, commands, channels, guilds. */
export function registerRoutes(rest: RestServer, deps: Deps): void {
  const { world } = deps;
  rest.route('GET', '/gateway/bot', () => {
    const info = deps.gatewayInfo();
    return ok({
      url: info.url,
      shards: info.shards,
      session_start_limit: {
        total: 1000,
        remaining: 999,
        reset_after: 14_400_000,
        max_concurrency: info.maxConcurrency,
      },
    });
  });
  rest.route('GET', '/gateway', () => ok({ url: deps.gatewayInfo().url }), { auth: false });
  // GET /users/@me answers both the bot and OAuth2 users: oauth-routes.ts.
  rest.route('GET', '/users/{user_id}', (ctx) => {
    const user = world.users.get(ctx.params.user_id!);
    return user ? ok(user) : apiError(404, 10013, 'Unknown User');
  });
  rest.route('GET', '/applications/@me', () =>
    ok({
      id: world.applicationId,
      name: world.bot.username,
      description: '',
      icon: null,
      bot_public: true,
      bot_require_code_grant: false,
      flags: 0,
      bot: world.bot,
      verify_key: '0'.repeat(64),
      team: null,
      summary: '',
    }),
  );
  registerCommandRoutes(rest, deps);
  registerChannelRoutes(rest, deps);
  registerGuildRoutes(rest, deps);
}

function registerCommandRoutes(rest: RestServer, { world, commands }: Deps): void {
  const scope = (ctx: RouteContext): RouteResult | undefined =>
    ctx.params.application_id === world.applicationId ? undefined : apiError(403, 50001, 'Missing Access');
  for (const base of [
    '/applications/{application_id}/commands',
    '/applications/{application_id}/guilds/{guild_id}/commands',
  ]) {
    rest.route('GET', base, (ctx) => scope(ctx) ?? ok(commands.list(ctx.params.guild_id)));
    rest.route(
      'PUT',
      base,
      (ctx) => scope(ctx) ?? ok(commands.overwrite(Array.isArray(ctx.body) ? ctx.body : [], ctx.params.guild_id)),
    );
    rest.route(
      'POST',
      base,
      (ctx) => scope(ctx) ?? { status: 201, body: commands.upsert(ctx.body, ctx.params.guild_id) },
    );
    rest.route(
      'DELETE',
      `${base}/{command_id}`,
      (ctx) =>
        scope(ctx) ??
        (commands.remove(ctx.params.command_id!, ctx.params.guild_id)
          ? NO_CONTENT
          : apiError(404, 10063, 'Unknown application command')),
    );
  }
}

function registerChannelRoutes(rest: RestServer, deps: Deps): void {
  const { world, messages } = deps;
  // Direct messages: `POST /users/@me/channels {recipient_id}` opens (or returns) the DM channel with a user;
  // the bot may then post there. Users whose id is in DM_CLOSED refuse, as Discord answers 50007.
  const dms = new Map<string, { id: string; type: 1; last_message_id: null; flags: 0; recipients: unknown[] }>();
  rest.route('POST', '/users/@me/channels', (ctx) => {
    const recipient = String((ctx.body as { recipient_id?: unknown } | undefined)?.recipient_id ?? '');
    const user = world.users.get(recipient);
    if (!user) return apiError(400, 50035, 'Invalid Form Body');
    const channel = dms.get(recipient) ?? {
      id: world.ids.next(),
      type: 1 as const,
      last_message_id: null,
      flags: 0 as const,
      recipients: [user],
    };
    dms.set(recipient, channel);
    return ok(channel);
  });
  const dmChannel = (id: string) => [...dms.entries()].find(([, c]) => c.id === id);
  rest.route('GET', '/channels/{channel_id}', (ctx) => {
    const found = world.findChannel(ctx.params.channel_id!);
    return found ? ok(found.channel) : apiError(404, 10003, 'Unknown Channel');
  });
  rest.route('POST', '/channels/{channel_id}/messages', (ctx) => {
    const dm = dmChannel(ctx.params.channel_id!);
    if (dm && DM_CLOSED.has(dm[0])) return apiError(403, 50007, 'Cannot send messages to this user');
    const denied = dm ? undefined : checkSend(ctx, world);
    if (denied) return denied;
    return ok(
      messages.create(ctx.params.channel_id!, (ctx.body ?? {}) as MessageBody, {
        source: 'channel-create',
        at: ctx.call.at,
        files: ctx.files,
      }),
    );
  });
  rest.route('GET', '/channels/{channel_id}/messages', (ctx) => {
    // As on Discord: newest first, `after` = the oldest `limit` messages newer than that id (ascending ids, then
    // returned newest first), and ephemeral replies are nobody's channel history.
    const limit = Math.min(100, Number(ctx.query.get('limit') ?? 50));
    const after = ctx.query.get('after');
    const visible = messages.inChannel(ctx.params.channel_id!).filter((m) => (Number(m.flags ?? 0) & 64) === 0);
    if (after)
      return ok(
        visible
          .filter((m) => BigInt(m.id) > BigInt(after))
          .slice(0, limit)
          .reverse(),
      );
    return ok(visible.slice(-limit).reverse());
  });
  const message = '/channels/{channel_id}/messages/{message_id}';
  rest.route('GET', message, (ctx) => {
    const m = messages.get(ctx.params.message_id!);
    return m && m.channel_id === ctx.params.channel_id ? ok(m) : apiError(404, 10008, 'Unknown Message');
  });
  rest.route('PATCH', message, (ctx) => {
    const m = messages.get(ctx.params.message_id!);
    if (!m || m.channel_id !== ctx.params.channel_id) return apiError(404, 10008, 'Unknown Message');
    return ok(
      messages.edit(m.id, (ctx.body ?? {}) as MessageBody, {
        source: 'channel-edit',
        at: ctx.call.at,
        files: ctx.files,
      }),
    );
  });
  rest.route('DELETE', message, (ctx) =>
    messages.delete(ctx.params.message_id!) ? NO_CONTENT : apiError(404, 10008, 'Unknown Message'),
  );
  rest.route('POST', '/channels/{channel_id}/typing', () => NO_CONTENT);
  rest.route('PUT', '/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me', () => NO_CONTENT);
  rest.route('PUT', '/channels/{channel_id}/voice-status', (ctx) => {
    deps.voiceStatus.set(ctx.params.channel_id!, ((ctx.body ?? {}) as { status?: string | null }).status ?? null);
    return NO_CONTENT;
  });
}

/** 404 for unknown channels, 403 50001/50013 when the bot may not view / send there (as Discord answers). */
function checkSend(ctx: RouteContext, world: World): RouteResult | undefined {
  const found = world.findChannel(ctx.params.channel_id!);
  if (!found?.guild.botPresent) return apiError(404, 10003, 'Unknown Channel');
  const perms = world.permissionsIn(found.guild.id, world.bot.id, found.channel.id);
  if ((perms & PermissionFlagsBits.ViewChannel) === 0n) return apiError(403, 50001, 'Missing Access');
  if ((perms & PermissionFlagsBits.SendMessages) === 0n) return apiError(403, 50013, 'Missing Permissions');
  return undefined;
}

function registerGuildRoutes(rest: RestServer, deps: Deps): void {
  const { world } = deps;
  const guildOf = (ctx: RouteContext) => {
    const guild = world.guilds.get(ctx.params.guild_id!);
    return guild?.botPresent ? guild : undefined;
  };
  const unknownGuild = apiError(404, 10004, 'Unknown Guild');
  rest.route('GET', '/guilds/{guild_id}', (ctx) => {
    const guild = guildOf(ctx);
    if (!guild) return unknownGuild;
    const {
      channels: _c,
      members: _m,
      voice_states: _v,
      threads: _t,
      presences: _p,
      ...rest
    } = guildCreatePayload(guild);
    return ok(rest);
  });
  rest.route('GET', '/guilds/{guild_id}/channels', (ctx) => {
    const guild = guildOf(ctx);
    return guild ? ok([...guild.channels.values()]) : unknownGuild;
  });
  rest.route('GET', '/guilds/{guild_id}/roles', (ctx) => {
    const guild = guildOf(ctx);
    return guild ? ok([...guild.roles.values()]) : unknownGuild;
  });
  rest.route('GET', '/guilds/{guild_id}/members', (ctx) => {
    const guild = guildOf(ctx);
    return guild ? ok([...guild.members.values()].slice(0, Number(ctx.query.get('limit') ?? 1))) : unknownGuild;
  });
  rest.route('GET', '/guilds/{guild_id}/members/{user_id}', (ctx) => {
    const member = guildOf(ctx)?.members.get(ctx.params.user_id!);
    return member ? ok(member) : apiError(404, 10007, 'Unknown Member');
  });
  for (const who of ['@me', '{user_id}']) {
    rest.route('GET', `/guilds/{guild_id}/voice-states/${who}`, (ctx) => {
      const userId = who === '@me' ? world.bot.id : ctx.params.user_id!;
      const state = guildOf(ctx)?.voiceStates.get(userId);
      return state ? ok(state) : apiError(404, 10065, 'Unknown Voice State');
    });
  }
  rest.route('PATCH', '/guilds/{guild_id}/voice-states/@me', () => NO_CONTENT);
  rest.route('DELETE', '/users/@me/guilds/{guild_id}', (ctx) => {
    if (!guildOf(ctx)) return unknownGuild;
    world.removeBotFromGuild(ctx.params.guild_id!);
    return NO_CONTENT;
  });
}
