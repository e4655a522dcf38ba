import { randomBytes } from 'node:crypto';
import type { APIMessage, APIOverwrite } from 'discord-api-types/v10';
import { CommandStore } from './command-store.js';
import { GatewayServer } from './gateway-server.js';
import type { CommandSpec, ComponentSpec } from './interaction-payloads.js';
import { InteractionRegistry, Interactions } from './interactions.js';
import type { InteractionHandle } from './interactions.js';
import { MessageStore } from './message-store.js';
import type { MessageSnapshot } from './message-store.js';
import { registerInteractionRoutes } from './rest-interaction-routes.js';
import { registerRoutes } from './rest-routes.js';
import { OAuthState, registerOAuthRoutes } from './oauth-routes.js';
import { RestServer } from './rest-server.js';
import type { Violation } from './rest-types.js';
import { testCertificate } from './tls-cert.js';
import type { VoiceEncryptionMode } from './voice-crypto.js';
import { VoiceHub } from './voice-hub.js';
import { preview } from './wait.js';
import { World } from './world.js';
import type { GuildSpec } from './world.js';
import type { WorldGuild } from './world-builders.js';

export interface OfflineDiscordOptions {
  /** Guilds to create (default: one guild with `general`, `Music`, `Lounge`, alice/bob/carol). */
  guilds?: GuildSpec[];
  /** Shard count the gateway expects and `GET /gateway/bot` recommends (default 1). */
  shards?: number;
  /** Encryption modes the voice server offers, in order (default AES-GCM, then XChaCha20). */
  voiceModes?: VoiceEncryptionMode[];
  /** Gateway heartbeat interval sent in Hello (default 41250 ms, Discord's). */
  heartbeatIntervalMs?: number;
  voiceHeartbeatIntervalMs?: number;
  botUsername?: string;
  /** DAVE protocol the voice server negotiates when the client offers it (1 = E2EE as on Discord; 0 = transport only). */
  daveProtocol?: number;
  /** Close 4017 when a client offers no DAVE (default: when `daveProtocol` > 0, as on Discord). */
  requireDave?: boolean;
}

/** A well-formed bot token: base64(bot id) . base64url(timestamp) . random. */
export function makeBotToken(botId: string): string {
  const ts = Buffer.alloc(4);
  ts.writeUInt32BE(Math.floor(Date.now() / 1000) - 1_293_840_000);
  return `${Buffer.from(botId).toString('base64url')}.${ts.toString('base64url')}.${randomBytes(28).toString('base64url')}`;
}

/** The whole fake wired together; build it with `startOfflineDiscord`. */
export class OfflineDiscord {
  readonly token: string;
  readonly messages: MessageStore;
  readonly commands: CommandStore;
  readonly registry = new InteractionRegistry();
  readonly interactions: Interactions;
  readonly rest: RestServer;
  /** Voice channel statuses set by the bot, by channel id. */
  readonly voiceStatus = new Map<string, string | null>();
  /** OAuth2 ("Login with Discord"): the client secret, who logs in, issued codes and tokens (oauth-routes.ts). */
  readonly oauth = new OAuthState();
  private readonly cleanups: Array<() => Promise<void> | void> = [];
  private closed = false;

  constructor(
    readonly world: World,
    readonly gateway: GatewayServer,
    readonly voice: VoiceHub,
    readonly certPath: string,
    options: { token: string; shards: number },
  ) {
    this.token = options.token;
    this.rest = new RestServer(this.token);
    this.messages = new MessageStore(world.ids, world.bot, world.applicationId);
    this.commands = new CommandStore(world.ids, world.applicationId);
    const deps = { rest: this.rest, messages: this.messages, registry: this.registry };
    const dispatch = this.gateway.dispatch.bind(this.gateway);
    this.interactions = new Interactions(world, dispatch, this.commands, deps);
    registerRoutes(this.rest, {
      world,
      messages: this.messages,
      commands: this.commands,
      voiceStatus: this.voiceStatus,
      gatewayInfo: () => ({ url: this.gateway.url, shards: options.shards, maxConcurrency: 16 }),
    });
    registerOAuthRoutes(this.rest, world, this.oauth);
    registerInteractionRoutes(this.rest, {
      registry: this.registry,
      messages: this.messages,
      applicationId: world.applicationId,
    });
  }

  /** `http://127.0.0.1:PORT/api`: discord.js `rest.api`, the bot's DISCORD_API_URL. */
  get apiUrl(): string {
    return this.rest.apiUrl;
  }

  /** The first guild (the default world has one). */
  get guild(): WorldGuild {
    return this.world.defaultGuild;
  }

  /** Dispatches a slash command; see `InteractionHandle` for what to await. */
  sendCommand(spec: CommandSpec): InteractionHandle {
    return this.interactions.sendCommand(spec);
  }

  sendAutocomplete(spec: CommandSpec & { focused: string }): InteractionHandle {
    return this.interactions.sendAutocomplete(spec);
  }

  pressButton(spec: ComponentSpec): InteractionHandle {
    return this.interactions.pressButton(spec);
  }

  /** Current messages in a channel (the bot's posts and non-deleted interaction replies), oldest first. */
  channelMessages(channelId: string): APIMessage[] {
    return this.messages.inChannel(channelId);
  }

  /** Resolves with the first message version (create or edit) in the channel that matches. */
  waitForChannelMessage(
    channelId: string,
    predicate: (m: MessageSnapshot) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<MessageSnapshot> {
    return this.messages.feed.waitFor(
      () => this.messages.snapshots.find((s) => s.channelId === channelId && predicate(s)),
      timeoutMs,
      () =>
        `a message in ${channelId} matching ${predicate.toString()}; seen: ${preview(
          this.messages.snapshots.filter((s) => s.channelId === channelId).map((s) => s.content || s.embeds[0]?.title),
          1000,
        )}`,
    );
  }

  /** A user joins, moves, or leaves (`null`) voice: VOICE_STATE_UPDATE is dispatched. */
  setUserVoiceChannel(guildId: string, userId: string, channelId: string | null): void {
    this.world.setVoiceState(guildId, userId, channelId);
  }

  /** Deletes a channel; if the bot was in it, its voice connection is closed with 4014 as on Discord. */
  async deleteChannel(guildId: string, channelId: string): Promise<void> {
    const botInside = this.world.guild(guildId).voiceStates.get(this.world.bot.id)?.channel_id === channelId;
    this.world.deleteChannel(guildId, channelId);
    if (botInside && this.voice.activeConnection(guildId)) this.voice.closeVoice(guildId, 4014);
  }

  /** Kicks the bot from the guild: voice closed with 4014 (if connected), then GUILD_DELETE. */
  removeBotFromGuild(guildId: string): void {
    if (this.voice.activeConnection(guildId)) this.voice.closeVoice(guildId, 4014);
    this.world.removeBotFromGuild(guildId);
  }

  setChannelPermissionOverwrites(guildId: string, channelId: string, overwrites: APIOverwrite[]): void {
    this.world.setChannelPermissionOverwrites(guildId, channelId, overwrites);
  }

  /** An admin drags the bot to another voice channel. */
  moveBot(guildId: string, channelId: string): void {
    this.voice.moveBot(guildId, channelId);
  }

  /** Adds a guild (dispatches GUILD_CREATE to the owning shard if connected). */
  addGuild(spec?: GuildSpec): WorldGuild {
    return this.world.addGuild(spec);
  }

  /** Throws listing every REST violation (schema, unknown route, auth, protocol) unless `allow`ed. */
  assertNoViolations(allow?: (v: Violation) => boolean): void {
    this.rest.assertNoViolations(allow);
  }

  /** Registers teardown work (e.g. a bot process) to run first in `close()`. */
  onClose(cleanup: () => Promise<void> | void): void {
    this.cleanups.push(cleanup);
  }

  /** Stops child processes registered with `onClose`, then every server; releases every port. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const cleanup of this.cleanups.reverse()) await cleanup();
    await Promise.all([this.rest.close(), this.gateway.close(), this.voice.close()]);
  }
}

/** Starts REST, gateway and voice servers on loopback with a fresh world. */
export async function startOfflineDiscord(options: OfflineDiscordOptions = {}): Promise<OfflineDiscord> {
  const cert = await testCertificate();
  const world = new World(options.botUsername ? { botUsername: options.botUsername } : {});
  for (const spec of options.guilds ?? [{}]) world.addGuild(spec);
  const token = makeBotToken(world.bot.id);
  const shards = options.shards ?? 1;
  const gateway = new GatewayServer({
    token,
    world,
    shards,
    ...(options.heartbeatIntervalMs ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {}),
  });
  const dispatch = gateway.dispatch.bind(gateway);
  world.setDispatcher(dispatch);
  const voice = new VoiceHub({
    world,
    dispatch,
    cert,
    ...(options.voiceModes ? { modes: options.voiceModes } : {}),
    ...(options.voiceHeartbeatIntervalMs ? { heartbeatIntervalMs: options.voiceHeartbeatIntervalMs } : {}),
    ...(options.daveProtocol !== undefined ? { daveProtocol: options.daveProtocol } : {}),
    ...(options.requireDave !== undefined ? { requireDave: options.requireDave } : {}),
  });
  gateway.onVoiceStateUpdate = (session, d) => voice.handleVoiceStateUpdate(session, d);
  const discord = new OfflineDiscord(world, gateway, voice, cert.certPath, { token, shards });
  try {
    await Promise.all([discord.rest.listen(), gateway.listen(), voice.listen()]);
  } catch (error) {
    await discord.close();
    throw error;
  }
  return discord;
}
