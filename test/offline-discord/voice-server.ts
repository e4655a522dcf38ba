import { randomBytes, randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { VoiceOpcodes } from 'discord-api-types/voice/v8';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { TestCertificate } from './tls-cert.js';
import { decryptRtpSize, parseRtpHeader } from './voice-crypto.js';
import type { RtpHeader, VoiceEncryptionMode } from './voice-crypto.js';

/** One voice WebSocket connection the bot opened (a resume opens a new one that inherits ssrc and key). */
export interface VoiceConnectionInfo {
  id: number;
  server: string;
  guildId: string;
  userId: string;
  sessionId: string;
  token: string;
  ssrc: number;
  openedAt: number;
  identifiedAt?: number;
  mode?: VoiceEncryptionMode;
  secretKey?: Uint8Array;
  maxDaveProtocolVersion?: number;
  /** The address the bot's UDP socket reported in IP discovery. */
  remote?: { address: string; port: number };
  resumed: boolean;
  speaking: Array<{ at: number; speaking: number }>;
  heartbeats: number;
  packets: number;
  decryptErrors: number;
  closedAt?: number;
  closeCode?: number;
  ws: WebSocket | undefined;
  /** DAVE protocol version given in Session Description (0 = transport encryption only). */
  daveProtocolVersion?: number;
  /** Sends a JSON op (with the next sequence number) to the client. */
  send(op: number, d: unknown): void;
  /** Sends a DAVE binary message `[u16 seq][u8 op][payload]`. */
  sendBinary(op: number, payload: Buffer): void;
  /** Sequenced messages sent so far (the newest 200), replayed after `seq_ack` on resume (voice gateway v8). */
  outbox: Array<{ seq: number; data: string | Buffer }>;
  seq: number;
}

/** What the hub decides for the server: who may connect, and where audio goes. */
export interface VoiceServerHooks {
  /** Identify/Resume: returns the guild for a valid (server_id, user_id?, session_id, token), else undefined. */
  authorize(d: {
    server_id: string;
    user_id?: string;
    session_id: string;
    token: string;
  }): { guildId: string; userId: string } | undefined;
  /** For a Resume: the newest connection of this session that completed the handshake. */
  previousConnection(guildId: string, sessionId: string): VoiceConnectionInfo | undefined;
  onConnection(connection: VoiceConnectionInfo): void;
  /** False while a UDP blackout is active for the guild (the packet is then dropped). */
  acceptUdp(connection: VoiceConnectionInfo): boolean;
  onAudio(connection: VoiceConnectionInfo, header: RtpHeader, opus: Buffer, arrivalMs: number): void;
  modes(): VoiceEncryptionMode[];
  heartbeatIntervalMs: number;
  /** The DAVE protocol version to run for this client (given its max_dave_protocol_version), or 'refuse' (4017). */
  daveProtocol(connection: VoiceConnectionInfo): number | 'refuse';
  /** After Session Description: the connection is ready for DAVE messages. */
  onSessionReady(connection: VoiceConnectionInfo): void;
  /** DAVE ops from the client: JSON 23/31, binary 26/28. */
  onDave(connection: VoiceConnectionInfo, op: number, data: Record<string, unknown> | Buffer): void;
  onClose(connection: VoiceConnectionInfo, code: number): void;
}

let nextConnectionId = 1;

/** One voice endpoint: a TLS WebSocket (voice gateway v8) plus a UDP socket for RTP, both on 127.0.0.1. */
export class VoiceServer {
  readonly connections: VoiceConnectionInfo[] = [];
  keepalives = 0;
  unknownPackets = 0;
  droppedPackets = 0;
  private readonly https: Server;
  private readonly wss: WebSocketServer;
  private readonly udp: Socket;
  private readonly bySsrc = new Map<number, VoiceConnectionInfo>();

  constructor(
    readonly name: string,
    cert: TestCertificate,
    private readonly hooks: VoiceServerHooks,
  ) {
    this.https = createServer({ cert: cert.cert, key: cert.key });
    this.wss = new WebSocketServer({ server: this.https });
    this.wss.on('connection', (ws) => this.onConnection(ws));
    this.udp = createSocket('udp4');
    this.udp.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.https.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => this.udp.bind(0, '127.0.0.1', resolve));
  }

  /** `host:port` as sent in VOICE_SERVER_UPDATE (the client connects to `wss://${endpoint}?v=8`). */
  get endpoint(): string {
    return `127.0.0.1:${(this.https.address() as AddressInfo).port}`;
  }

  get udpPort(): number {
    return this.udp.address().port;
  }

  /** The live (not closed) connection for a guild, newest first. */
  active(guildId: string): VoiceConnectionInfo | undefined {
    return [...this.connections].reverse().find((c) => c.guildId === guildId && c.closedAt === undefined);
  }

  /** Closes a connection: 1006 drops TCP without a close frame; other codes send a close frame. */
  closeConnection(connection: VoiceConnectionInfo, code: number): void {
    if (code === 1006) connection.ws?.terminate();
    else connection.ws?.close(code, 'offline-discord');
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.https.closeAllConnections();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.https.close(() => resolve()));
    await new Promise<void>((resolve) => this.udp.close(() => resolve()));
  }

  private onConnection(ws: WebSocket): void {
    let connection: VoiceConnectionInfo | undefined;
    const send = (op: number, d: unknown): void => {
      if (connection) connection.send(op, d);
      else if (ws.readyState === 1) ws.send(JSON.stringify({ op, d }));
    };
    ws.send(JSON.stringify({ op: VoiceOpcodes.Hello, d: { heartbeat_interval: this.hooks.heartbeatIntervalMs } }));
    ws.on('message', (raw, isBinary) => {
      if (isBinary) {
        const data = Buffer.isBuffer(raw) ? raw : Buffer.concat(raw as Buffer[]);
        if (connection && data.length >= 1) this.hooks.onDave(connection, data[0]!, data.subarray(1));
        return;
      }
      let packet: { op: number; d: Record<string, unknown> };
      try {
        packet = JSON.parse(String(raw)) as typeof packet;
      } catch {
        ws.close(4002, 'Failed to decode payload');
        return;
      }
      switch (packet.op) {
        case VoiceOpcodes.Identify:
        case VoiceOpcodes.Resume:
          connection = this.authenticate(ws, packet.op, packet.d, send);
          break;
        case VoiceOpcodes.SelectProtocol:
          if (connection) this.selectProtocol(ws, connection, packet.d, send);
          else ws.close(4003, 'Not authenticated');
          break;
        case VoiceOpcodes.Heartbeat:
          if (connection) connection.heartbeats += 1;
          send(VoiceOpcodes.HeartbeatAck, { t: packet.d.t });
          break;
        case VoiceOpcodes.Speaking:
          connection?.speaking.push({ at: performance.now(), speaking: Number(packet.d.speaking) });
          break;
        case VoiceOpcodes.DaveTransitionReady:
        case VoiceOpcodes.DaveMlsInvalidCommitWelcome:
          if (connection) this.hooks.onDave(connection, packet.op, packet.d ?? {});
          break;
        default:
          break;
      }
    });
    ws.on('close', (code) => {
      if (connection && connection.ws === ws) {
        connection.closedAt = performance.now();
        connection.closeCode = code;
        connection.ws = undefined;
        this.hooks.onClose(connection, code);
      }
    });
  }

  private authenticate(
    ws: WebSocket,
    op: number,
    d: Record<string, unknown>,
    _send: (op: number, d: unknown) => void,
  ): VoiceConnectionInfo | undefined {
    const auth = this.hooks.authorize(d as Parameters<VoiceServerHooks['authorize']>[0]);
    if (!auth) {
      ws.close(
        op === VoiceOpcodes.Resume ? 4006 : 4004,
        op === VoiceOpcodes.Resume ? 'Session no longer valid' : 'Authentication failed',
      );
      return undefined;
    }
    const base = {
      id: nextConnectionId++,
      server: this.name,
      guildId: auth.guildId,
      userId: auth.userId,
      sessionId: String(d.session_id),
      token: String(d.token),
      openedAt: performance.now(),
      identifiedAt: performance.now(),
      speaking: [],
      heartbeats: 0,
      packets: 0,
      decryptErrors: 0,
      ws,
      outbox: [],
      seq: 0,
    };
    let connection: VoiceConnectionInfo;
    if (op === VoiceOpcodes.Resume) {
      const previous = this.hooks.previousConnection(auth.guildId, String(d.session_id));
      if (!previous?.secretKey || !this.connections.includes(previous)) {
        ws.close(4006, 'Session no longer valid');
        return undefined;
      }
      if (previous.ws && previous.ws !== ws) previous.ws.terminate();
      connection = this.withTransport({
        ...base,
        ssrc: previous.ssrc,
        mode: previous.mode!,
        secretKey: previous.secretKey,
        resumed: true,
        seq: previous.seq,
        outbox: previous.outbox,
        ...(previous.remote ? { remote: previous.remote } : {}),
        ...(previous.daveProtocolVersion !== undefined ? { daveProtocolVersion: previous.daveProtocolVersion } : {}),
        ...(previous.maxDaveProtocolVersion !== undefined
          ? { maxDaveProtocolVersion: previous.maxDaveProtocolVersion }
          : {}),
      });
      this.register(connection);
      ws.send(JSON.stringify({ op: VoiceOpcodes.Resumed, d: null }));
      // Voice gateway v8 buffered resume: everything after the client's seq_ack is sent again, in order.
      const ack = Number(d.seq_ack ?? -1);
      for (const entry of connection.outbox) if (entry.seq > ack && ws.readyState === 1) ws.send(entry.data);
    } else {
      connection = this.withTransport({
        ...base,
        ssrc: this.newSsrc(),
        resumed: false,
        maxDaveProtocolVersion: Number(d.max_dave_protocol_version ?? 0),
      });
      if (this.hooks.daveProtocol(connection) === 'refuse') {
        ws.close(4017, 'E2EE/DAVE protocol required');
        return undefined;
      }
      this.register(connection);
      connection.send(VoiceOpcodes.Ready, {
        ssrc: connection.ssrc,
        ip: '127.0.0.1',
        port: this.udpPort,
        modes: this.hooks.modes(),
        heartbeat_interval: 1,
      });
    }
    return connection;
  }

  private register(connection: VoiceConnectionInfo): void {
    this.connections.push(connection);
    this.bySsrc.set(connection.ssrc, connection);
    this.hooks.onConnection(connection);
  }

  private selectProtocol(
    ws: WebSocket,
    connection: VoiceConnectionInfo,
    d: Record<string, unknown>,
    send: (op: number, d: unknown) => void,
  ): void {
    const data = (d.data ?? {}) as { mode?: string; address?: string; port?: number };
    const mode = data.mode as VoiceEncryptionMode;
    if (d.protocol !== 'udp' || !this.hooks.modes().includes(mode)) {
      ws.close(4016, 'Unknown encryption mode');
      return;
    }
    connection.mode = mode;
    connection.secretKey = randomBytes(32);
    const dave = this.hooks.daveProtocol(connection);
    connection.daveProtocolVersion = dave === 'refuse' ? 0 : dave;
    send(VoiceOpcodes.SessionDescription, {
      mode,
      secret_key: [...connection.secretKey],
      dave_protocol_version: connection.daveProtocolVersion,
      audio_codec: 'opus',
      video_codec: null,
      media_session_id: randomBytes(16).toString('hex'),
    });
    this.hooks.onSessionReady(connection);
  }

  /** Gives a connection its sequenced senders; they write to whatever WebSocket the connection has now. */
  private withTransport(c: Omit<VoiceConnectionInfo, 'send' | 'sendBinary'>): VoiceConnectionInfo {
    const connection = c as VoiceConnectionInfo;
    const push = (data: string | Buffer): void => {
      connection.outbox.push({ seq: connection.seq, data });
      if (connection.outbox.length > 200) connection.outbox.shift();
      if (connection.ws?.readyState === 1) connection.ws.send(data);
    };
    connection.send = (op, d) => {
      connection.seq = (connection.seq + 1) & 0xffff;
      push(JSON.stringify({ op, d, seq: connection.seq }));
    };
    connection.sendBinary = (op, payload) => {
      connection.seq = (connection.seq + 1) & 0xffff;
      const head = Buffer.alloc(3);
      head.writeUInt16BE(connection.seq, 0);
      head[2] = op;
      push(Buffer.concat([head, payload]));
    };
    return connection;
  }

  private newSsrc(): number {
    let ssrc: number;
    do ssrc = randomInt(1, 2 ** 31);
    while (this.bySsrc.has(ssrc));
    return ssrc;
  }

  private onDatagram(msg: Buffer, rinfo: RemoteInfo): void {
    const arrivalMs = performance.now();
    if (msg.length === 74 && msg.readUInt16BE(0) === 1) {
      const connection = this.bySsrc.get(msg.readUInt32BE(4));
      if (!connection) return;
      connection.remote = { address: rinfo.address, port: rinfo.port };
      const reply = Buffer.alloc(74);
      reply.writeUInt16BE(2, 0);
      reply.writeUInt16BE(70, 2);
      reply.writeUInt32BE(connection.ssrc, 4);
      reply.write(rinfo.address, 8, 'utf8');
      reply.writeUInt16BE(rinfo.port, 72);
      this.udp.send(reply, rinfo.port, rinfo.address);
      return;
    }
    if (msg.length === 8) {
      this.keepalives += 1;
      return;
    }
    const header = parseRtpHeader(msg);
    const connection = header ? this.bySsrc.get(header.ssrc) : undefined;
    if (!header || !connection?.secretKey || !connection.mode) {
      this.unknownPackets += 1;
      return;
    }
    if (!this.hooks.acceptUdp(connection)) {
      this.droppedPackets += 1;
      return;
    }
    let opus: Buffer;
    try {
      opus = decryptRtpSize(msg, connection.mode, connection.secretKey);
    } catch {
      connection.decryptErrors += 1;
      return;
    }
    connection.packets += 1;
    this.hooks.onAudio(connection, header, opus, arrivalMs);
  }
}
