import { randomBytes } from 'node:crypto';
import { GatewayDispatchEvents } from 'discord-api-types/v10';
import type { GatewaySession } from './gateway-server.js';
import type { TestCertificate } from './tls-cert.js';
import type { VoiceEncryptionMode } from './voice-crypto.js';
import { packetGapStats } from './audio.js';
import { DaveMediaSession } from './dave-media.js';
import type { DaveEndpoint } from './dave-listener.js';
import type { GapStats } from './audio.js';
import { VoiceRecorder } from './voice-capture.js';
import type { ReceivedPacket, VoiceCapture, WaitOptions } from './voice-capture.js';
import { VoiceServer } from './voice-server.js';
import type { VoiceConnectionInfo } from './voice-server.js';
import { delay } from './wait.js';
import type { Dispatch, World } from './world.js';

/** Offered modes, in order; @discordjs/voice takes the first it supports (so AES first, as Discord does). */
export const DEFAULT_VOICE_MODES: VoiceEncryptionMode[] = [
  'aead_aes256_gcm_rtpsize',
  'aead_xchacha20_poly1305_rtpsize',
];

export interface VoiceHubOptions {
  world: World;
  dispatch: Dispatch;
  cert: TestCertificate;
  modes?: VoiceEncryptionMode[];
  heartbeatIntervalMs?: number;
  /** DAVE protocol the fake runs when the client offers it (default 1, as on Discord; 0 = transport only). */
  daveProtocol?: number;
  /** Close 4017 when a client does not offer DAVE (default: whenever `daveProtocol` > 0, as on Discord). */
  requireDave?: boolean;
  /** Frames after a transition executes that listeners may still miss (default 250 ms). */
  daveGraceMs?: number;
}

interface Ticket {
  guildId: string;
  userId: string;
  sessionId: string;
  server: VoiceServer;
}

/** A voice join the fake ignored (as Discord does) because the bot may not connect there. */
export interface RejectedJoin {
  guildId: string;
  channelId: string;
  at: number;
}

/**
 * The voice side: answers gateway op 4 with VOICE_STATE_UPDATE + VOICE_SERVER_UPDATE, runs two voice
 * servers (primary + a second one for `moveVoiceServer`), records audio, and injects voice faults.
 */
export class VoiceHub {
  readonly recorder: VoiceRecorder;
  readonly servers: [VoiceServer, VoiceServer];
  readonly rejectedJoins: RejectedJoin[] = [];
  modes: VoiceEncryptionMode[];
  daveProtocol: number;
  requireDave: boolean;
  /** DAVE media sessions by guild (the bot's channel), while the bot is connected with DAVE. */
  readonly dave = new Map<string, DaveMediaSession>();
  /** Every media session ever created (kept after close, for assertions). */
  readonly daveHistory: DaveMediaSession[] = [];
  private readonly tickets = new Map<string, Ticket>();
  private readonly serverOf = new Map<string, VoiceServer>();
  private readonly blackouts = new Map<string, number>();

  constructor(private readonly options: VoiceHubOptions) {
    this.modes = options.modes ?? DEFAULT_VOICE_MODES;
    this.daveProtocol = options.daveProtocol ?? 1;
    this.requireDave = options.requireDave ?? this.daveProtocol > 0;
    this.recorder = new VoiceRecorder();
    options.world.voiceStateObservers.push((guildId, userId, channelId) =>
      this.onVoiceState(guildId, userId, channelId),
    );
    const hooks = {
      authorize: (d: { server_id: string; user_id?: string; session_id: string; token: string }) => {
        const ticket = this.tickets.get(d.token);
        const ok =
          ticket &&
          ticket.guildId === d.server_id &&
          ticket.sessionId === d.session_id &&
          (d.user_id === undefined || d.user_id === ticket.userId);
        return ok ? { guildId: ticket.guildId, userId: ticket.userId } : undefined;
      },
      previousConnection: (guildId: string, sessionId: string) =>
        this.connections(guildId).findLast((c) => c.sessionId === sessionId && c.secretKey !== undefined),
      onConnection: () => undefined,
      acceptUdp: (c: VoiceConnectionInfo) => (this.blackouts.get(c.guildId) ?? 0) <= performance.now(),
      onAudio: (c: VoiceConnectionInfo, header: Parameters<VoiceRecorder['add']>[2], payload: Buffer, at: number) => {
        const media = this.dave.get(c.guildId);
        const heard = media ? media.receive(payload, at) : { opus: payload, e2ee: false };
        if (heard) this.recorder.add(c.guildId, c.id, header, heard.opus, at, heard.e2ee);
      },
      modes: () => this.modes,
      daveProtocol: (c: VoiceConnectionInfo) => {
        const offered = c.maxDaveProtocolVersion ?? 0;
        if (offered === 0 && this.requireDave) return 'refuse' as const;
        return Math.min(offered, this.daveProtocol);
      },
      onSessionReady: (c: VoiceConnectionInfo) => this.onSessionReady(c),
      onDave: (c: VoiceConnectionInfo, op: number, data: Record<string, unknown> | Buffer) => this.onDave(c, op, data),
      onClose: (c: VoiceConnectionInfo, code: number) => this.onVoiceClose(c, code),
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 13_750,
    };
    this.servers = [new VoiceServer('primary', options.cert, hooks), new VoiceServer('secondary', options.cert, hooks)];
  }

  async listen(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.listen()));
  }

  /** Every voice connection for the guild, oldest first, across both servers. */
  connections(guildId?: string): VoiceConnectionInfo[] {
    return this.servers
      .flatMap((s) => s.connections)
      .filter((c) => guildId === undefined || c.guildId === guildId)
      .sort((a, b) => a.id - b.id);
  }

  /** The guild's live voice connection, if any. */
  activeConnection(guildId: string): VoiceConnectionInfo | undefined {
    return this.connections(guildId).findLast((c) => c.closedAt === undefined);
  }

  /** Gateway op 4 from the bot: join/move (if permitted) or leave, answered as Discord does. */
  handleVoiceStateUpdate(
    session: GatewaySession,
    d: { guild_id: string; channel_id: string | null; self_deaf?: boolean; self_mute?: boolean },
  ): void {
    const { world } = this.options;
    const guild = world.guilds.get(d.guild_id);
    if (!guild?.botPresent) return;
    if (d.channel_id === null) {
      world.setVoiceState(d.guild_id, world.bot.id, null, session.id);
      return;
    }
    if (!world.canJoinVoice(d.guild_id, world.bot.id, d.channel_id)) {
      this.rejectedJoins.push({ guildId: d.guild_id, channelId: d.channel_id, at: performance.now() });
      return;
    }
    const state = world.setVoiceState(d.guild_id, world.bot.id, d.channel_id, session.id);
    state.self_deaf = d.self_deaf ?? false;
    state.self_mute = d.self_mute ?? false;
    this.sendServerUpdate(d.guild_id, session.id, this.serverOf.get(d.guild_id) ?? this.servers[0]);
  }

  /** Closes the guild's voice WebSocket with `code` (4006, 4009, 4014, 4015, or 1006 = TCP drop). */
  closeVoice(guildId: string, code: number): void {
    const connection = this.activeConnection(guildId);
    if (!connection) throw new Error(`offline-discord: no live voice connection in guild ${guildId}`);
    this.servers.find((s) => s.name === connection.server)!.closeConnection(connection, code);
  }

  /** Drops every UDP packet from the guild's bot for `ms` (the voice WebSocket stays up). */
  blackoutUdp(guildId: string, ms: number): void {
    this.blackouts.set(guildId, performance.now() + ms);
  }

  /** Sends a new VOICE_SERVER_UPDATE pointing at the other voice server (as a Discord region move does). */
  moveVoiceServer(guildId: string): VoiceServer {
    const current = this.serverOf.get(guildId) ?? this.servers[0];
    const next = current === this.servers[0] ? this.servers[1] : this.servers[0];
    const state = this.options.world.guild(guildId).voiceStates.get(this.options.world.bot.id);
    if (!state?.channel_id) throw new Error(`offline-discord: the bot is not in a voice channel in guild ${guildId}`);
    this.sendServerUpdate(guildId, state.session_id, next);
    return next;
  }

  /** An admin disconnects the bot: VOICE_STATE_UPDATE with a null channel, then close 4014. */
  async kick(guildId: string): Promise<void> {
    const { world } = this.options;
    const state = world.guild(guildId).voiceStates.get(world.bot.id);
    world.setVoiceState(guildId, world.bot.id, null, state?.session_id);
    await delay(5);
    const connection = this.activeConnection(guildId);
    if (connection) this.servers.find((s) => s.name === connection.server)!.closeConnection(connection, 4014);
  }

  /** Moves the bot to another channel as an admin would (VOICE_STATE_UPDATE; the voice session stays). */
  moveBot(guildId: string, channelId: string): void {
    const { world } = this.options;
    const state = world.guild(guildId).voiceStates.get(world.bot.id);
    world.setVoiceState(guildId, world.bot.id, channelId, state?.session_id);
  }

  /** Every decrypted packet received for the guild (live array). */
  packets(guildId: string): ReceivedPacket[] {
    return this.recorder.packets(guildId);
  }

  /** Packets from now on (or from `since`), with pcm/frequency/stats helpers. */
  capture(guildId: string, since?: number): VoiceCapture {
    return this.recorder.capture(guildId, since);
  }

  /** Arrival time (performance.now()) of the first audible packet at/after `since` (default: now). */
  waitForAudio(guildId: string, options?: WaitOptions): Promise<number> {
    return this.recorder.waitForAudio(guildId, options);
  }

  /** Dominant frequency of the audible audio that arrived in [fromMs, toMs], or null. */
  frequencyBetween(guildId: string, fromMs: number, toMs: number): number | null {
    return this.recorder.frequencyBetween(guildId, fromMs, toMs);
  }

  /** Waits until the latest audio's dominant frequency is within `toleranceHz` (default 5) of `hz`. */
  waitForFrequency(
    guildId: string,
    hz: number,
    options?: WaitOptions & { toleranceHz?: number; windowMs?: number },
  ): Promise<{ hz: number; at: number }> {
    return this.recorder.waitForFrequency(guildId, hz, options);
  }

  /** Waits for `ms` without audible audio; returns when the silence began. */
  waitForSilence(guildId: string, ms: number, options?: WaitOptions): Promise<number> {
    return this.recorder.waitForSilence(guildId, ms, options);
  }

  /** Packet timing and continuity since `since` (default: everything). */
  gapStats(guildId: string, since = 0): GapStats {
    return packetGapStats(this.packets(guildId).filter((p) => p.arrivalMs >= since));
  }

  async close(): Promise<void> {
    for (const media of this.dave.values()) media.close();
    this.dave.clear();
    await Promise.all(this.servers.map((s) => s.close()));
    this.recorder.close();
  }

  /** Every DAVE frame violation (plaintext or undecryptable after a transition) across all media sessions. */
  daveViolations(): Array<{ guildId: string; at: number; listener: string; kind: string; error?: string }> {
    return this.daveHistory.flatMap((m) => m.stats.violations.map((v) => ({ guildId: m.guildId, ...v })));
  }

  /** Resolves once every listener in the guild's media session is in an executed DAVE group. */
  waitForDaveGroup(guildId: string, timeoutMs = 10_000): Promise<DaveMediaSession> {
    return this.recorder.feed.waitFor(
      () => {
        const media = this.dave.get(guildId);
        if (!media || media.gateway.transitionInFlight || media.listeners.size === 0) return undefined;
        return [...media.listeners.keys()].every((id) => media.secured(id)) ? media : undefined;
      },
      timeoutMs,
      () => {
        const media = this.dave.get(guildId);
        return `a DAVE group in guild ${guildId}: ${media ? `epoch ${media.gateway.epoch}, tree ${JSON.stringify(media.gateway.tree)}, rejected ${JSON.stringify(media.gateway.rejectedCommits)}` : 'no media session'}`;
      },
    );
  }

  private onSessionReady(connection: VoiceConnectionInfo): void {
    const { world } = this.options;
    const channelId = world.guild(connection.guildId).voiceStates.get(connection.userId)?.channel_id;
    let media = this.dave.get(connection.guildId);
    if (media && (media.channelId !== channelId || (connection.daveProtocolVersion ?? 0) === 0)) {
      media.close();
      this.dave.delete(connection.guildId);
      media = undefined;
    }
    if (!channelId || (connection.daveProtocolVersion ?? 0) === 0) return;
    if (!media) {
      media = new DaveMediaSession(connection.guildId, channelId, connection.userId, connection.daveProtocolVersion!, {
        ...(this.options.daveGraceMs !== undefined ? { graceMs: this.options.daveGraceMs } : {}),
        onChange: () => this.recorder.feed.notify(),
      });
      this.dave.set(connection.guildId, media);
      this.daveHistory.push(media);
    }
    media.attachBot(this.botEndpoint(connection));
    for (const userId of world.usersInVoice(connection.guildId, channelId))
      if (userId !== world.bot.id) media.addListener(userId);
  }

  /** The bot as a DAVE member: messages go to its newest connection of this session (resumes included). */
  private botEndpoint(first: VoiceConnectionInfo): DaveEndpoint {
    const current = (): VoiceConnectionInfo =>
      this.connections(first.guildId).findLast((c) => c.sessionId === first.sessionId && c.ssrc === first.ssrc) ??
      first;
    return {
      userId: first.userId,
      kind: 'bot',
      json: (op, d) => current().send(op, d),
      binary: (op, payload) => current().sendBinary(op, payload),
    };
  }

  private onDave(connection: VoiceConnectionInfo, op: number, data: Record<string, unknown> | Buffer): void {
    const media = this.dave.get(connection.guildId);
    if (!media) return;
    const gateway = media.gateway;
    if (Buffer.isBuffer(data)) {
      if (op === 26) gateway.keyPackage(connection.userId, data);
      else if (op === 28) gateway.commitWelcome(connection.userId, data);
    } else if (op === 23) gateway.ready(connection.userId, Number(data.transition_id));
    else if (op === 31) gateway.invalid(connection.userId, Number(data.transition_id));
  }

  private onVoiceClose(connection: VoiceConnectionInfo, code: number): void {
    const resumable = code === 4015 || code < 4000;
    const media = this.dave.get(connection.guildId);
    if (!media || resumable) return;
    media.close();
    this.dave.delete(connection.guildId);
  }

  private onVoiceState(guildId: string, userId: string, channelId: string | null): void {
    const media = this.dave.get(guildId);
    if (!media || userId === this.options.world.bot.id) return;
    if (channelId === media.channelId) media.addListener(userId);
    else media.removeListener(userId);
  }

  private sendServerUpdate(guildId: string, sessionId: string, server: VoiceServer): void {
    for (const [token, ticket] of this.tickets) if (ticket.guildId === guildId) this.tickets.delete(token);
    const token = randomBytes(8).toString('hex');
    this.tickets.set(token, { guildId, userId: this.options.world.bot.id, sessionId, server });
    this.serverOf.set(guildId, server);
    this.options.dispatch(guildId, GatewayDispatchEvents.VoiceServerUpdate, {
      token,
      guild_id: guildId,
      endpoint: server.endpoint,
    });
  }
}
