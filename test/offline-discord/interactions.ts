import { GatewayDispatchEvents } from 'discord-api-types/v10';
import type { APIApplicationCommandOptionChoice, APIInteraction, InteractionType } from 'discord-api-types/v10';
import type { CommandStore } from './command-store.js';
import { commandInteraction, componentInteraction, newInteractionToken } from './interaction-payloads.js';
import type { CommandSpec, ComponentSpec } from './interaction-payloads.js';
import type { MessageSnapshot, MessageStore } from './message-store.js';
import type { RestServer } from './rest-server.js';
import type { RestCall } from './rest-types.js';
import { ChangeFeed, preview } from './wait.js';
import type { Dispatch, World } from './world.js';

/** One interaction callback (`POST /interactions/{id}/{token}/callback`) as received. */
export interface CallbackRecord {
  at: number;
  /** 4 reply, 5 defer, 6 deferred update, 7 update, 8 autocomplete result, 9 modal. */
  type: number;
  body: unknown;
  status: number;
}

/** What the fake knows about an interaction it dispatched. */
export interface InteractionRecord {
  id: string;
  token: string;
  type: InteractionType;
  guildId: string;
  channelId: string;
  userId: string;
  dispatchedAt: number;
  payload: APIInteraction;
  callbacks: CallbackRecord[];
  /** The `@original` message, once a callback created (or, for components, designated) it. */
  originalMessageId?: string;
  /** For component interactions: the message the component is on. */
  componentMessageId?: string;
  messageIds: string[];
  choices?: APIApplicationCommandOptionChoice[];
  modal?: unknown;
}

/** Interactions by token; the REST routes update records and notify the feed. */
export class InteractionRegistry {
  readonly feed = new ChangeFeed();
  private readonly byToken = new Map<string, InteractionRecord>();

  add(record: InteractionRecord): void {
    this.byToken.set(record.token, record);
  }

  get(token: string): InteractionRecord | undefined {
    return this.byToken.get(token);
  }

  all(): InteractionRecord[] {
    return [...this.byToken.values()];
  }
}

interface HandleDeps {
  rest: RestServer;
  messages: MessageStore;
  registry: InteractionRegistry;
}

/** A test's view of one dispatched interaction: its callback, its REST calls and its messages. */
export class InteractionHandle {
  constructor(
    readonly record: InteractionRecord,
    private readonly deps: HandleDeps,
  ) {}

  get id(): string {
    return this.record.id;
  }

  /** performance.now() (test process) when INTERACTION_CREATE was written to the gateway socket. */
  get dispatchedAt(): number {
    return this.record.dispatchedAt;
  }

  /** The first callback the bot sent (for a deferred command: type 5). */
  deferral(timeoutMs = 5_000): Promise<CallbackRecord> {
    return this.deps.registry.feed.waitFor(
      () => this.record.callbacks[0],
      timeoutMs,
      () => `a callback for interaction ${this.record.id}; REST calls so far: ${this.deps.rest.describeCalls()}`,
    );
  }

  /** Alias of `deferral` for interactions that are answered directly (type 4, 6, 7, 8). */
  callback(timeoutMs = 5_000): Promise<CallbackRecord> {
    return this.deferral(timeoutMs);
  }

  /** Every message version this interaction produced (callback reply, original edits, follow-ups), oldest first. */
  get messages(): MessageSnapshot[] {
    return this.deps.messages.snapshots.filter(
      (s) => s.interactionId === this.record.id && s.source !== 'interaction-deferred',
    );
  }

  /** Resolves with the first message version (reply, edit or follow-up) matching `predicate`. */
  reply(predicate: (m: MessageSnapshot) => boolean = () => true, timeoutMs = 10_000): Promise<MessageSnapshot> {
    return this.deps.messages.feed.waitFor(
      () => this.messages.find(predicate),
      timeoutMs,
      () =>
        `a reply to /${this.describe()} matching ${predicate.toString()}; got ${preview(this.messages.map(summary), 1500)}`,
    );
  }

  /** REST calls addressed to this interaction's token (callback and webhook routes). */
  get requests(): RestCall[] {
    return this.deps.rest.calls.filter((c) => c.interactionToken === this.record.token);
  }

  /** The first REST call of any kind the fake received after dispatch (assert it is the deferral). */
  firstRequest(timeoutMs = 5_000): Promise<RestCall> {
    return this.deps.rest.waitForCall((c) => c.at >= this.record.dispatchedAt, timeoutMs);
  }

  /** For autocomplete: the choices of the type 8 callback. */
  async choices(timeoutMs = 5_000): Promise<APIApplicationCommandOptionChoice[]> {
    const callback = await this.callback(timeoutMs);
    if (callback.type !== 8) throw new Error(`expected an autocomplete result (8), got callback type ${callback.type}`);
    return this.record.choices ?? [];
  }

  private describe(): string {
    const data = (this.record.payload as { data?: { name?: string; custom_id?: string } }).data;
    return data?.name ?? data?.custom_id ?? this.record.id;
  }
}

function summary(m: MessageSnapshot): unknown {
  return {
    source: m.source,
    content: m.content,
    embeds: m.embeds.map((e) => e.title ?? e.description),
    flags: m.flags,
  };
}

/** Sends interactions through the gateway as a user would trigger them. */
export class Interactions {
  constructor(
    private readonly world: World,
    private readonly dispatch: Dispatch,
    private readonly commands: CommandStore,
    private readonly deps: HandleDeps,
  ) {}

  /** A slash command (INTERACTION_CREATE type 2). */
  sendCommand(spec: CommandSpec): InteractionHandle {
    const commandId = this.commands.find(spec.name, spec.guildId)?.id ?? this.world.ids.next();
    const attachmentIds = (spec.attachments ?? []).map(() => this.world.ids.next());
    const id = this.world.ids.next();
    const token = newInteractionToken();
    return this.send(spec, commandInteraction(this.world, spec, { id, token, commandId, attachmentIds }));
  }

  /** An autocomplete request (type 4) for option `focused`; `await handle.choices()` for the answer. */
  sendAutocomplete(spec: CommandSpec & { focused: string }): InteractionHandle {
    const commandId = this.commands.find(spec.name, spec.guildId)?.id ?? this.world.ids.next();
    const id = this.world.ids.next();
    const token = newInteractionToken();
    return this.send(
      spec,
      commandInteraction(this.world, spec, { id, token, commandId, attachmentIds: [] }, spec.focused),
    );
  }

  /** A button press (type 3) on a message the bot posted; select menus via `componentType` + `values`. */
  pressButton(spec: ComponentSpec): InteractionHandle {
    const message = this.deps.messages.get(spec.messageId);
    if (!message) throw new Error(`offline-discord: the bot never posted message ${spec.messageId}`);
    const channelId = spec.channelId ?? message.channel_id;
    const id = this.world.ids.next();
    const token = newInteractionToken();
    const payload = componentInteraction(this.world, { ...spec, channelId }, message, id, token);
    return this.send({ ...spec, channelId }, payload, spec.messageId);
  }

  private send(
    target: { guildId: string; userId: string; channelId?: string },
    payload: APIInteraction,
    componentMessageId?: string,
  ): InteractionHandle {
    const record: InteractionRecord = {
      id: payload.id,
      token: payload.token,
      type: payload.type,
      guildId: target.guildId,
      channelId: payload.channel?.id ?? target.channelId ?? '',
      userId: target.userId,
      dispatchedAt: performance.now(),
      payload,
      callbacks: [],
      messageIds: [],
      ...(componentMessageId ? { componentMessageId } : {}),
    };
    this.deps.registry.add(record);
    this.dispatch(target.guildId, GatewayDispatchEvents.InteractionCreate, payload);
    record.dispatchedAt = performance.now();
    return new InteractionHandle(record, this.deps);
  }
}
