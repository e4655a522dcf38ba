import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startBot,
  startOfflineDiscord,
  type BotProcess,
  type InteractionHandle,
  type MessageSnapshot,
  type OfflineDiscord,
  type OptionShorthand,
} from '../../test/offline-discord/index.js';
import { freePort } from '../../test/e2e/harness.js';
import { startBenchMedia, type BenchMedia } from './media.js';
import { Inspector } from './inspector.js';
import { LightRecorder } from './recorder.js';
import { UdpRelay } from './udp-relay.js';

/** Guilds the gateway lets one shard join per minute (discord.js keeps its sends under 115 per 60 s). */
export const JOINS_PER_SHARD = 100;

/** Receive buffer asked for on the fake's voice UDP sockets (the kernel caps it at net.core.rmem_max). */
const UDP_BUFFER_BYTES = 4 * 1024 * 1024;

export interface BenchGuild {
  id: string;
  textChannelId: string;
  music: string;
}

/**
 * The benchmark's world: the offline Discord (in this process) with `guildCount` guilds, each with alice in
 * its Music channel, the bench media server, and the real bot as a separate process (node dist/main.js),
 * restartable with other environment (the baseline pipeline).
 */
export class BenchStack {
  bot!: BotProcess;
  httpPort = 0;
  /** The bot's inspector (DevTools protocol), connected on first use: `inspector()`. */
  private inspectorClient: Inspector | undefined;
  private inspectorUrl: string | undefined;
  private readonly replies: ReplyIndex;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'tunebot-bench-'));

  private constructor(
    readonly discord: OfflineDiscord,
    readonly media: BenchMedia,
    readonly recorder: LightRecorder,
    readonly guilds: BenchGuild[],
    readonly alice: string,
    readonly shards: number,
    /** Timestamps packets on its own thread (undefined with --no-relay). */
    readonly relay: UdpRelay | undefined,
  ) {
    this.replies = new ReplyIndex(discord);
  }

  static async start(
    guildCount: number,
    options: { relay?: boolean; daveProtocol?: number } = {},
  ): Promise<BenchStack> {
    const shards = Math.max(1, Math.ceil(guildCount / JOINS_PER_SHARD));
    const specs = Array.from({ length: guildCount }, (_, i) => ({
      name: `Bench ${i + 1}`,
      members: ['alice'],
      voiceChannels: ['Music'],
      textChannels: ['general'],
    }));
    // DAVE v1 by default, as on Discord: the bot encrypts every frame end to end and alice (one davey member
    // per guild) decrypts it in this process.
    const discord = await startOfflineDiscord({ guilds: specs, shards, daveProtocol: options.daveProtocol ?? 1 });
    const recorder = new LightRecorder(discord);
    // Thousands of packets a second arrive on two sockets: the default 208 KB receive buffer overflows on a
    // busy moment, dropping audio (read as late frames) and IP-discovery packets (voice joins that never finish).
    for (const server of discord.voice.servers) {
      const udp = (server as unknown as { udp: { setRecvBufferSize(size: number): void } }).udp;
      try {
        udp.setRecvBufferSize(UDP_BUFFER_BYTES);
      } catch {
        // capped by net.core.rmem_max; the drop counter in each step shows whether it mattered
      }
    }
    const relay = options.relay === false ? undefined : await UdpRelay.install(discord);
    const media = await startBenchMedia();
    const alice = discord.world.userByName('alice')!.id;
    const guilds = [...discord.world.guilds.values()].map((g) => {
      const music = discord.world.voiceChannel(g.id, 'Music').id;
      discord.setUserVoiceChannel(g.id, alice, music);
      return { id: g.id, textChannelId: discord.world.textChannel(g.id, 'general').id, music };
    });
    return new BenchStack(discord, media, recorder, guilds, alice, shards, relay);
  }

  /** Starts (or restarts) the bot; `env` adds to the benchmark's defaults. */
  async startBot(env: Record<string, string> = {}): Promise<BotProcess> {
    if (this.bot && this.bot.exitInfo === undefined) await this.bot.kill('SIGTERM', 10_000);
    this.inspectorClient?.close();
    this.inspectorClient = undefined;
    this.httpPort = await freePort();
    this.bot = startBot(this.discord, {
      // The inspector listens on loopback only and costs nothing until a client connects (the soak does).
      nodeArgs: ['--enable-source-maps', '--inspect=127.0.0.1:0'],
      mediaHost: this.media.host,
      dataDir: this.dataDir,
      env: {
        LOG_LEVEL: 'info',
        HTTP_PORT: String(this.httpPort),
        MAX_SESSIONS: '5000',
        IDLE_TIMEOUT: '2h',
        ALONE_TIMEOUT: '2h',
        SHARD_COUNT: String(this.shards),
        ...env,
      },
    });
    await this.bot.waitUntilReady({ timeoutMs: 60_000 });
    await this.bot.waitForLog('health and metrics endpoint listening', 10_000);
    this.inspectorUrl = /Debugger listening on (ws:\/\/\S+)/.exec(
      (await this.bot.waitForLog(/Debugger listening on ws:/, 10_000)).line,
    )?.[1];
    return this.bot;
  }

  /** The bot's inspector, connected now if it was not (only the soak needs it: nothing attaches before). */
  async inspector(): Promise<Inspector | undefined> {
    if (!this.inspectorClient && this.inspectorUrl)
      this.inspectorClient = await Inspector.connect(this.inspectorUrl).catch(() => undefined);
    return this.inspectorClient;
  }

  /** Sends a slash command as alice in `guild`. */
  command(guild: BenchGuild, name: string, options?: OptionShorthand): InteractionHandle {
    return this.discord.sendCommand({ guildId: guild.id, userId: this.alice, name, ...(options ? { options } : {}) });
  }

  /** The final reply (first non-"thinking" version) of a command. */
  reply(handle: InteractionHandle, timeoutMs = 30_000): Promise<MessageSnapshot> {
    return this.replies.wait(handle.id, timeoutMs);
  }

  /** Sends a command and returns its reply text. */
  async ask(guild: BenchGuild, name: string, options?: OptionShorthand, timeoutMs = 30_000): Promise<string> {
    return (await this.reply(this.command(guild, name, options), timeoutMs)).content;
  }

  /** Deferral latency of a command that has replied: dispatch → the callback's arrival, ms. */
  deferralMs(handle: InteractionHandle): number | undefined {
    const callback = handle.record.callbacks[0];
    return callback ? callback.at - handle.dispatchedAt : undefined;
  }

  async metrics(): Promise<Metrics> {
    const res = await fetch(`http://127.0.0.1:${this.httpPort}/metrics`);
    return new Metrics(await res.text());
  }

  async healthy(): Promise<boolean> {
    try {
      return (await fetch(`http://127.0.0.1:${this.httpPort}/healthz`)).status === 200;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.inspectorClient?.close();
    await this.discord.close();
    await this.relay?.close();
    await this.media.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Distinct messages the bot logged at exactly `level` (40 warn, 50 error), with counts. */
export function summarizeLogs(bot: BotProcess, level: number): string[] {
  const counts = new Map<string, number>();
  for (const l of bot.logs) {
    if (l.json?.level !== level) continue;
    const err = (l.json.err as { message?: string } | undefined)?.message;
    const key = `${String(l.json.msg)}${err ? `: ${err}` : ''}`.replace(/\d{15,}/g, '<id>').slice(0, 200);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([msg, n]) => `${n} × ${msg}`).slice(0, 20);
}

/** Prometheus text, parsed just enough to read single series. */
export class Metrics {
  private readonly values = new Map<string, number>();

  constructor(text: string) {
    for (const line of text.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const space = line.lastIndexOf(' ');
      this.values.set(line.slice(0, space), Number(line.slice(space + 1)));
    }
  }

  /** `name` or `name{label="x"}` exactly as exposed; 0 when absent. */
  get(series: string): number {
    return this.values.get(series) ?? 0;
  }

  /** Every series name (with labels) of a metric. */
  series(name: string): string[] {
    return [...this.values.keys()].filter((series) => series === name || series.startsWith(`${name}{`));
  }

  /** Sum over every series of a metric name (all label sets). */
  sum(name: string): number {
    let total = 0;
    for (const [series, value] of this.values) if (series === name || series.startsWith(`${name}{`)) total += value;
    return total;
  }
}

/**
 * Interaction replies indexed by interaction id as they arrive: the fake's own `reply()` re-scans every
 * message on every change, which is quadratic with hundreds of commands in flight.
 */
class ReplyIndex {
  private cursor = 0;
  private readonly seen = new Map<string, MessageSnapshot>();
  private readonly waiters = new Map<string, Array<(m: MessageSnapshot) => void>>();

  constructor(private readonly discord: OfflineDiscord) {
    const feed = discord.messages.feed;
    const notify = feed.notify.bind(feed);
    feed.notify = () => {
      notify();
      this.scan();
    };
  }

  wait(interactionId: string, timeoutMs: number): Promise<MessageSnapshot> {
    this.scan();
    const found = this.seen.get(interactionId);
    if (found) return Promise.resolve(found);
    return new Promise<MessageSnapshot>((resolve, reject) => {
      const timer = setTimeout(() => {
        const list = this.waiters.get(interactionId) ?? [];
        this.waiters.set(
          interactionId,
          list.filter((w) => w !== done),
        );
        reject(new Error(`no reply to interaction ${interactionId} within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (m: MessageSnapshot) => {
        clearTimeout(timer);
        resolve(m);
      };
      this.waiters.set(interactionId, [...(this.waiters.get(interactionId) ?? []), done]);
    });
  }

  private scan(): void {
    const snapshots = this.discord.messages.snapshots;
    for (; this.cursor < snapshots.length; this.cursor += 1) {
      const s = snapshots[this.cursor]!;
      if (!s.interactionId || s.source === 'interaction-deferred' || this.seen.has(s.interactionId)) continue;
      this.seen.set(s.interactionId, s);
      const waiting = this.waiters.get(s.interactionId);
      this.waiters.delete(s.interactionId);
      for (const w of waiting ?? []) w(s);
    }
  }
}
