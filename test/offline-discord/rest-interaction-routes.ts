import { MessageFlags } from 'discord-api-types/v10';
import type { APIApplicationCommandOptionChoice } from 'discord-api-types/v10';
import type { InteractionRecord, InteractionRegistry } from './interactions.js';
import type { MessageBody, MessageStore } from './message-store.js';
import type { RestServer } from './rest-server.js';
import { apiError, NO_CONTENT, ok } from './rest-types.js';
import type { RouteContext, RouteResult } from './rest-types.js';

/** Discord's deadline for the first interaction callback. */
export const INTERACTION_ACK_DEADLINE_MS = 3_000;
/** How long an interaction token stays valid for webhook (edit / follow-up) calls. */
export const INTERACTION_TOKEN_TTL_MS = 15 * 60_000;

interface Deps {
  registry: InteractionRegistry;
  messages: MessageStore;
  applicationId: string;
}

/** Registers the interaction callback and interaction-webhook routes (no bot token: `auth: false`). */
export function registerInteractionRoutes(rest: RestServer, deps: Deps): void {
  const noAuth = { auth: false };
  rest.route(
    'POST',
    '/interactions/{interaction_id}/{interaction_token}/callback',
    (ctx) => callback(ctx, deps),
    noAuth,
  );
  const original = '/webhooks/{webhook_id}/{webhook_token}/messages/@original';
  const byId = '/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}';
  rest.route(
    'GET',
    original,
    (ctx) => withRecord(ctx, deps, (rec) => getMessage(deps, rec, rec.originalMessageId)),
    noAuth,
  );
  rest.route(
    'PATCH',
    original,
    (ctx) => withRecord(ctx, deps, (rec) => editMessage(ctx, deps, rec, rec.originalMessageId)),
    noAuth,
  );
  rest.route(
    'DELETE',
    original,
    (ctx) => withRecord(ctx, deps, (rec) => deleteMessage(deps, rec, rec.originalMessageId)),
    noAuth,
  );
  rest.route('GET', byId, (ctx) => withRecord(ctx, deps, (rec) => getMessage(deps, rec, ownedId(rec, ctx))), noAuth);
  rest.route(
    'PATCH',
    byId,
    (ctx) => withRecord(ctx, deps, (rec) => editMessage(ctx, deps, rec, ownedId(rec, ctx))),
    noAuth,
  );
  rest.route(
    'DELETE',
    byId,
    (ctx) => withRecord(ctx, deps, (rec) => deleteMessage(deps, rec, ownedId(rec, ctx))),
    noAuth,
  );
  rest.route(
    'POST',
    '/webhooks/{webhook_id}/{webhook_token}',
    (ctx) => withRecord(ctx, deps, (rec) => followUp(ctx, deps, rec)),
    noAuth,
  );
}

function callback(ctx: RouteContext, deps: Deps): RouteResult {
  const token = ctx.params.interaction_token!;
  ctx.call.interactionToken = token;
  const rec = deps.registry.get(token);
  if (!rec || rec.id !== ctx.params.interaction_id) {
    ctx.violate('callback for an interaction the fake never dispatched');
    return apiError(404, 10062, 'Unknown interaction');
  }
  const body = (ctx.body ?? {}) as { type?: number; data?: Record<string, unknown> };
  const type = Number(body.type);
  const record = (status: number): void => {
    rec.callbacks.push({ at: ctx.call.at, type, body: ctx.body, status });
    deps.registry.feed.notify();
  };
  if (rec.callbacks.some((c) => c.status < 300)) {
    ctx.violate('interaction acknowledged twice');
    record(400);
    return apiError(400, 40060, 'Interaction has already been acknowledged.');
  }
  const age = ctx.call.at - rec.dispatchedAt;
  if (age > INTERACTION_ACK_DEADLINE_MS) {
    ctx.violate(`interaction acknowledged after ${Math.round(age)} ms (deadline ${INTERACTION_ACK_DEADLINE_MS} ms)`);
    record(404);
    return apiError(404, 10062, 'Unknown interaction');
  }
  const data = (body.data ?? {}) as MessageBody;
  const write = { at: ctx.call.at, interactionId: rec.id, webhookId: deps.applicationId };
  switch (type) {
    case 4:
      rec.originalMessageId = deps.messages.create(rec.channelId, data, {
        ...write,
        source: 'interaction-callback',
        files: ctx.files,
      }).id;
      break;
    case 5:
      rec.originalMessageId = deps.messages.create(
        rec.channelId,
        { flags: Number(data.flags ?? 0) & MessageFlags.Ephemeral },
        { ...write, source: 'interaction-deferred' },
      ).id;
      break;
    case 6:
    case 7:
      if (!rec.componentMessageId) {
        ctx.violate(`callback type ${type} is only valid for component interactions`);
        record(400);
        return apiError(400, 50035, 'Invalid Form Body');
      }
      rec.originalMessageId = rec.componentMessageId;
      if (type === 7)
        deps.messages.edit(rec.componentMessageId, data, { ...write, source: 'component-update', files: ctx.files });
      break;
    case 8:
      rec.choices = ((body.data ?? {}) as { choices?: APIApplicationCommandOptionChoice[] }).choices ?? [];
      break;
    case 9:
      rec.modal = body.data;
      break;
    default:
      ctx.violate(`unsupported interaction callback type ${String(body.type)}`);
      record(400);
      return apiError(400, 50035, 'Invalid Form Body');
  }
  if (rec.originalMessageId && !rec.messageIds.includes(rec.originalMessageId))
    rec.messageIds.push(rec.originalMessageId);
  record(ctx.query.get('with_response') === 'true' ? 200 : 204);
  if (ctx.query.get('with_response') !== 'true') return NO_CONTENT;
  const message = rec.originalMessageId ? deps.messages.get(rec.originalMessageId) : undefined;
  return ok({
    interaction: {
      id: rec.id,
      type: rec.type,
      ...(message
        ? {
            response_message_id: message.id,
            response_message_loading: type === 5,
            response_message_ephemeral: (Number(message.flags ?? 0) & MessageFlags.Ephemeral) !== 0,
          }
        : {}),
    },
    resource: { type, ...(message && type !== 5 ? { message } : {}) },
  });
}

function withRecord(ctx: RouteContext, deps: Deps, run: (rec: InteractionRecord) => RouteResult): RouteResult {
  const token = ctx.params.webhook_token!;
  ctx.call.interactionToken = token;
  const rec = deps.registry.get(token);
  if (ctx.params.webhook_id !== deps.applicationId || !rec) {
    ctx.violate('webhook call for an unknown application or interaction token');
    return apiError(404, 10015, 'Unknown Webhook');
  }
  if (ctx.call.at - rec.dispatchedAt > INTERACTION_TOKEN_TTL_MS) {
    ctx.violate('interaction token used after 15 minutes');
    return apiError(401, 50027, 'Invalid Webhook Token');
  }
  if (!rec.callbacks.some((c) => c.status < 300)) {
    ctx.violate('interaction webhook used before the interaction was acknowledged');
    return apiError(404, 10015, 'Unknown Webhook');
  }
  return run(rec);
}

function ownedId(rec: InteractionRecord, ctx: RouteContext): string | undefined {
  const id = ctx.params.message_id!;
  return rec.messageIds.includes(id) ? id : undefined;
}

function getMessage(deps: Deps, _rec: InteractionRecord, messageId: string | undefined): RouteResult {
  const message = messageId ? deps.messages.get(messageId) : undefined;
  return message ? ok(message) : apiError(404, 10008, 'Unknown Message');
}

function editMessage(
  ctx: RouteContext,
  deps: Deps,
  rec: InteractionRecord,
  messageId: string | undefined,
): RouteResult {
  const isOriginal = messageId !== undefined && messageId === rec.originalMessageId;
  const message = messageId
    ? deps.messages.edit(messageId, (ctx.body ?? {}) as MessageBody, {
        source: isOriginal ? 'original-edit' : 'followup-edit',
        at: ctx.call.at,
        interactionId: rec.id,
        files: ctx.files,
      })
    : undefined;
  if (!message) ctx.violate('edit of a message this interaction does not own');
  return message ? ok(message) : apiError(404, 10008, 'Unknown Message');
}

function deleteMessage(deps: Deps, rec: InteractionRecord, messageId: string | undefined): RouteResult {
  if (!messageId || !deps.messages.delete(messageId)) return apiError(404, 10008, 'Unknown Message');
  rec.messageIds = rec.messageIds.filter((id) => id !== messageId);
  return NO_CONTENT;
}

/** A follow-up. As on Discord, the first one after a deferral replaces the "thinking…" original. */
function followUp(ctx: RouteContext, deps: Deps, rec: InteractionRecord): RouteResult {
  const body = (ctx.body ?? {}) as MessageBody;
  const write = {
    source: 'followup' as const,
    at: ctx.call.at,
    interactionId: rec.id,
    files: ctx.files,
    webhookId: deps.applicationId,
  };
  const loading = rec.originalMessageId !== undefined && deps.messages.isLoading(rec.originalMessageId);
  const message = loading
    ? deps.messages.edit(rec.originalMessageId!, body, write)!
    : deps.messages.create(rec.channelId, body, write);
  if (!rec.messageIds.includes(message.id)) rec.messageIds.push(message.id);
  return ctx.query.get('wait') === 'true' ? ok(message) : NO_CONTENT;
}
