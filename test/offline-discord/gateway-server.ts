import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayDispatchEvents, GatewayOpcodes } from 'discord-api-types/v10';
import { WebSocket, WebSocketServer } from 'ws';
import { gatewayGuildMembersChunk, readyPayload } from './gateway-payloads.js';
import { shardOf } from './snowflake.js';
import { ChangeFeed } from './wait.js';
import type { World } from './world.js';
import { guildCreatePayload } from './world-builders.js';

/** One gateway payload the bot sent. */
export interface GatewayOpRecord {
  op: number;
  d: unknown;
  at: number;
  shard: number | null;
  connection: number;
}

/** One dispatch the fake sent (or buffered for a resume). */
export interface GatewayDispatchRecord {
  t: string;
  s: number;
  at: number;
  shard: number;
  delivered: boolean;
}

/** A gateway session (survives disconnects so it can be resumed). */
export interface GatewaySession {
  id: string;
  shard: [number, number];
  seq: number;
  buffer: Array<{ s: number; payload: string }>;
  ws: WebSocket | undefined;
  ready: boolean;
  invalid: boolean;
}

export interface GatewayOptions {
  token: string;
  world: World;
  heartbeatIntervalMs?: number;
  /** The shard count `GET /gateway/bot` recommends (default 1). */
  shards?: number;
}

/** Called for op 4 (voice state update) with the sending session. */
export type VoiceStateUpdateHandler = (
  session: GatewaySession,
  d: { guild_id: string; channel_id: string | null; self_deaf?: boolean; self_mute?: boolean },
) => void;

/** The fake gateway: plain `ws://`, JSON, no compression, Discord's identify/resume/dispatch flow. */
export class GatewayServer {
  readonly ops: GatewayOpRecord[] = [];
  readonly dispatches: GatewayDispatchRecord[] = [];
  readonly feed = new ChangeFeed();
  readonly sessions = new Map<string, GatewaySession>();
  /**
   * The shard count in use: the recommended count until a client identifies, then the count of its most
   * recent Identify (Discord accepts any count; guilds are routed by `(id >> 22) % count`).
   */
  shardCount: number;
  onVoiceStateUpdate: VoiceStateUpdateHandler = () => undefined;
  /**
   * Identifies for a shard whose earlier session still had an open socket: two processes claiming the same
   * shard at once (a duplicate shard id, or a replacement pod started before the old one stopped). Discord
   * would serve both and the bot would answer twice; here the older socket is closed and the event recorded.
   */
  readonly takeovers: { shard: number; at: number }[] = [];
  /** Set false to stop acknowledging heartbeats (zombie-connection tests). */
  heartbeatAcks = true;
  private readonly wss: WebSocketServer;
  private readonly byShard = new Map<number, GatewaySession>();
  private connectionCount = 0;

  constructor(private readonly options: GatewayOptions) {
    this.shardCount = options.shards ?? 1;
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    this.wss.on('connection', (ws, request) => this.onConnection(ws, request));
  }

  async listen(): Promise<void> {
    if (this.wss.address()) return;
    await new Promise<void>((resolve) => this.wss.once('listening', resolve));
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}`;
  }

  /**
   * True when every expected shard has an open socket on a session that was sent READY (+ its GUILD_CREATEs)
   * or RESUMED. This is the fake's side: the client may still be processing those dispatches.
   */
  get isReady(): boolean {
    for (let shard = 0; shard < this.shardCount; shard += 1) {
      const session = this.byShard.get(shard);
      if (!session?.ready || session.ws?.readyState !== 1) return false;
    }
    return true;
  }

  /** Resolves once `isReady` (READY + every GUILD_CREATE sent on every shard). */
  waitForReady(timeoutMs = 15_000): Promise<true> {
    return this.feed.waitFor(
      () => (this.isReady ? true : undefined),
      timeoutMs,
      () => `the gateway to be ready on ${this.shardCount} shard(s)`,
    );
  }

  /** Gateway ops received with this opcode. */
  opsOf(op: number): GatewayOpRecord[] {
    return this.ops.filter((r) => r.op === op);
  }

  /** How many sessions have an open socket for each shard right now (a shard owned twice shows 2). */
  openSessionsByShard(): Map<number, number> {
    const counts = new Map<number, number>();
    for (const session of this.sessions.values()) {
      if (session.ws?.readyState !== WebSocket.OPEN) continue;
      counts.set(session.shard[0], (counts.get(session.shard[0]) ?? 0) + 1);
    }
    return counts;
  }

  /** Sends a dispatch to the shard owning `guildId` (shard 0 for null); buffered for resume if disconnected. */
  dispatch(guildId: string | null, t: GatewayDispatchEvents | string, d: unknown): void {
    const shard = guildId === null ? 0 : shardOf(guildId, this.shardCount);
    const session = this.byShard.get(shard);
    if (!session || session.invalid) return;
    this.send(session, t, d);
  }

  /** Closes the gateway socket(s) with `code`; 1006 drops the TCP connection without a close frame. */
  closeGateway(code = 4000, shard?: number): void {
    for (const session of this.targets(shard)) {
      if (code === 1006) session.ws?.terminate();
      else session.ws?.close(code, 'offline-discord closeGateway');
    }
  }

  /** Sends op 7 (Reconnect): the client should close and resume. */
  sendReconnect(shard?: number): void {
    for (const session of this.targets(shard))
      session.ws?.send(JSON.stringify({ op: GatewayOpcodes.Reconnect, d: null }));
  }

  /** Sends op 9; when not resumable the session is invalidated (the client must identify again). */
  sendInvalidSession(resumable: boolean, shard?: number): void {
    for (const session of this.targets(shard)) {
      if (!resumable) session.invalid = true;
      session.ws?.send(JSON.stringify({ op: GatewayOpcodes.InvalidSession, d: resumable }));
    }
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private targets(shard?: number): GatewaySession[] {
    return [...this.byShard.entries()].filter(([id]) => shard === undefined || id === shard).map(([, s]) => s);
  }

  private send(session: GatewaySession, t: string, d: unknown): void {
    session.seq += 1;
    const payload = JSON.stringify({ op: GatewayOpcodes.Dispatch, t, s: session.seq, d });
    session.buffer.push({ s: session.seq, payload });
    if (session.buffer.length > 5000) session.buffer.shift();
    const delivered = session.ws?.readyState === 1;
    if (delivered) session.ws!.send(payload);
    this.dispatches.push({ t, s: session.seq, at: performance.now(), shard: session.shard[0], delivered });
  }

  private onConnection(ws: WebSocket, request: IncomingMessage): void {
    const connection = ++this.connectionCount;
    const query = new URL(request.url ?? '/', 'ws://127.0.0.1').searchParams;
    if (query.has('compress') || (query.get('encoding') ?? 'json') !== 'json') {
      // Fail loudly: a client expecting zlib or ETF frames would otherwise fail in obscure ways.
      ws.close(4002, 'offline-discord speaks only encoding=json without compression');
      return;
    }
    let session: GatewaySession | undefined;
    ws.send(
      JSON.stringify({
        op: GatewayOpcodes.Hello,
        d: { heartbeat_interval: this.options.heartbeatIntervalMs ?? 41_250 },
      }),
    );
    ws.on('message', (raw) => {
      let packet: { op: number; d: unknown };
      try {
        packet = JSON.parse(String(raw)) as { op: number; d: unknown };
      } catch {
        ws.close(4002, 'Decode error');
        return;
      }
      this.ops.push({
        op: packet.op,
        d: packet.d,
        at: performance.now(),
        shard: session?.shard[0] ?? null,
        connection,
      });
      session = this.onPacket(ws, session, packet);
      this.feed.notify();
    });
    ws.on('close', () => {
      if (session && session.ws === ws) {
        session.ws = undefined;
        session.ready = false;
      }
      this.feed.notify();
    });
  }

  private onPacket(
    ws: WebSocket,
    session: GatewaySession | undefined,
    packet: { op: number; d: unknown },
  ): GatewaySession | undefined {
    switch (packet.op) {
      case GatewayOpcodes.Heartbeat:
        if (this.heartbeatAcks) ws.send(JSON.stringify({ op: GatewayOpcodes.HeartbeatAck }));
        return session;
      case GatewayOpcodes.Identify:
        if (!session) return this.identify(ws, packet.d as IdentifyData);
        ws.close(4005, 'Already authenticated');
        return session;
      case GatewayOpcodes.Resume:
        return this.resume(ws, packet.d as { token: string; session_id: string; seq: number });
      case GatewayOpcodes.VoiceStateUpdate:
        if (!session) ws.close(4003, 'Not authenticated');
        else this.onVoiceStateUpdate(session, packet.d as Parameters<VoiceStateUpdateHandler>[1]);
        return session;
      case GatewayOpcodes.RequestGuildMembers:
        if (session)
          this.send(
            session,
            GatewayDispatchEvents.GuildMembersChunk,
            gatewayGuildMembersChunk(this.options.world, packet.d),
          );
        return session;
      case GatewayOpcodes.PresenceUpdate:
        return session;
      default:
        ws.close(4001, 'Unknown opcode');
        return session;
    }
  }

  private identify(ws: WebSocket, d: IdentifyData): GatewaySession | undefined {
    if (d.token !== this.options.token && d.token !== `Bot ${this.options.token}`) {
      ws.close(4004, 'Authentication failed');
      return undefined;
    }
    const shard: [number, number] = d.shard ?? [0, 1];
    if (shard[1] < 1 || shard[0] < 0 || shard[0] >= shard[1]) {
      ws.close(4010, 'Invalid shard');
      return undefined;
    }
    if (shard[1] !== this.shardCount) {
      this.shardCount = shard[1];
      for (const id of [...this.byShard.keys()]) if (id >= shard[1]) this.byShard.delete(id);
    }
    const world = this.options.world;
    const session: GatewaySession = {
      id: randomBytes(16).toString('hex'),
      shard,
      seq: 0,
      buffer: [],
      ws,
      ready: false,
      invalid: false,
    };
    this.sessions.set(session.id, session);
    const previous = this.byShard.get(shard[0]);
    if (previous?.ws && previous.ws !== ws) {
      if (previous.ws.readyState === WebSocket.OPEN) this.takeovers.push({ shard: shard[0], at: performance.now() });
      previous.ws.close(4009, 'Session replaced');
    }
    this.byShard.set(shard[0], session);
    const guilds = [...world.guilds.values()].filter((g) => g.botPresent && shardOf(g.id, shard[1]) === shard[0]);
    this.send(session, GatewayDispatchEvents.Ready, readyPayload(world, session, guilds, this.url));
    for (const guild of guilds) this.send(session, GatewayDispatchEvents.GuildCreate, guildCreatePayload(guild));
    session.ready = true;
    return session;
  }

  private resume(ws: WebSocket, d: { token: string; session_id: string; seq: number }): GatewaySession | undefined {
    const session = this.sessions.get(d.session_id);
    if (!session || session.invalid || d.token.replace(/^Bot /, '') !== this.options.token) {
      ws.send(JSON.stringify({ op: GatewayOpcodes.InvalidSession, d: false }));
      return undefined;
    }
    if (session.ws && session.ws !== ws) session.ws.close(4009, 'Session resumed elsewhere');
    session.ws = ws;
    for (const entry of session.buffer) if (entry.s > d.seq) ws.send(entry.payload);
    this.send(session, GatewayDispatchEvents.Resumed, {});
    session.ready = true;
    if (this.byShard.get(session.shard[0]) !== session) this.byShard.set(session.shard[0], session);
    return session;
  }
}

interface IdentifyData {
  token: string;
  intents: number;
  shard?: [number, number];
}
