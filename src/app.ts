import { Client, GatewayIntentBits, Options } from 'discord.js';
import { commands } from './commands/index.js';
import type { CommandDeps } from './commands/command.js';
import type { Config } from './config.js';
import { Queue } from './core/queue.js';
import { ChannelNotifier } from './discord/channel-notifier.js';
import { NowPlayingAnnouncer } from './discord/now-playing-announcer.js';
import { wireClientEvents, countListeners } from './discord/client-events.js';
import { buttonHandlers } from './discord/button-handlers.js';
import { InteractionRouter } from './discord/router.js';
import { NO_MENTIONS } from './commands/reply.js';
import { FfmpegLauncher } from './media/ffmpeg-launcher.js';
import { locateFfmpeg } from './media/ffmpeg-locator.js';
import { AudioPipeline } from './media/pipeline.js';
import { AddressPolicy } from './net/address-policy.js';
import type { Clock } from './ports/clock.js';
import type { Logger } from './ports/logger.js';
import type { KeyValueStore } from './ports/store.js';
import { GuildSession } from './session/guild-session.js';
import { SessionManager, type SessionSeed } from './session/session-manager.js';
import { SessionPersistence } from './session/session-persistence.js';
import { resumeSessions } from './session/session-resume.js';
import type { EndReason } from './session/session-state.js';
import { SessionSupervisor } from './session/session-supervisor.js';
import { SourceTrackLoader } from './session/track-loader.js';
import { SettingsStore } from './settings/guild-settings.js';
import { VoteSkips } from './controls/vote-skip.js';
import { DISCORD_ATTACHMENT_HOSTS } from './sources/http/attachment-source.js';
import { createSourceStack, type SourceStack } from './resolver/create-sources.js';
import { trackGateway } from './ops/gateway-readiness.js';
import { instrumentLoader } from './session/instrument.js';
import { createOps, type Ops } from './ops/ops.js';
import type { VoiceLink } from './ports/voice.js';
import { loadVoicePort } from './voice/voice-loader.js';

export interface App {
  readonly client: Client;
  readonly sessions: SessionManager;
  readonly ops: Ops;
  start(): Promise<void>;
  /** Stops intake, saves every session, leaves voice and closes the gateway. */
  stop(): Promise<void>;
}

export interface AppPorts {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly store: KeyValueStore & { readonly healthy?: boolean; readonly problem?: string | undefined };
}

/** The composition root: the only place adapters are built and wired. */
export async function createApp({ config, logger, clock, store }: AppPorts): Promise<App> {
  const client = createClient(config);
  const ops = createOps({ httpPort: config.httpPort, httpHost: config.httpHost, logger, clock });
  trackGateway(client, ops.readiness);
  ops.readiness.addCheck({ name: 'store', critical: false, check: () => ({ ok: store.healthy ?? true, ...(store.problem ? { detail: store.problem } : {}) }) });
  const stack = await createSources(config, { clock, logger, store }, ops);
  const sources = stack.resolver;
  const pipeline = createPipeline(config, logger);
  const loader = instrumentLoader(new SourceTrackLoader(sources, pipeline, { baseline: config.baselinePipeline }), ops.metrics);
  const notifier = new ChannelNotifier(client, logger);
  const settings = new SettingsStore(store);
  const announcer = new NowPlayingAnnouncer({ client, settings, logger });
  const voice = await loadVoicePort(client, logger, ops);
  const sessions: SessionManager = new SessionManager(
    voice,
    (guildId: string, link: VoiceLink, seed: SessionSeed) => {
      const session = new GuildSession({
        guildId, link, loader, notifier, clock,
        textChannelId: seed.textChannelId,
        queue: seed.queue ? Queue.restore(seed.queue) : new Queue(),
        volume: seed.volume ?? settings.peek(guildId).defaultVolume / 100,
        logger: logger.child({ guildId }),
      });
      supervisor.watch(session);
      announcer.watch(session);
      return session;
    },
    config.maxSessions,
    logger,
  );
  const supervisor = new SessionSupervisor({
    idleTimeoutMs: config.idleTimeoutMs,
    aloneTimeoutMs: config.aloneTimeoutMs,
    clock, notifier,
    listeners: (guildId, channelId) => countListeners(client, guildId, channelId),
    stays: (guildId) => settings.peek(guildId).stay247,
    end: (guildId, reason) => sessions.end(guildId, reason),
  });
  ops.metrics.sampleSessions(() =>
    sessions.all().map((s) => ({ status: s.state.status, queueLength: s.queue.length + (s.queue.current ? 1 : 0) })),
  );
  // A session that ends because voice went away (not because someone asked) is explained where it played.
  sessions.on('ended', (session, reason) => {
    const text = END_NOTICES[reason];
    if (text) void notifier.send(session.textChannelId, text);
  });
  const persistence = new SessionPersistence(store, sessions, clock, logger);
  const deps: CommandDeps = { config, sessions, sources, settings, votes: new VoteSkips(), clock, logger };
  wireClientEvents(client, { sessions, supervisor, router: new InteractionRouter({ commands, buttons: buttonHandlers, deps, logger, metrics: ops.metrics }), logger });
  client.once('clientReady', () => {
    void registerCommands(client, config, logger);
    void resumeSessions({ sessions, persistence, notifier, logger, ownsGuild: (id) => client.guilds.cache.has(id) })
      .then((count) => count > 0 && logger.info({ count }, 'resumed sessions after restart'));
  });
  const sweep = () => {
    supervisor.sweep(sessions.all());
    clock.setTimeout(sweep, config.cleanupIntervalMs).unref?.();
  };

  return {
    client,
    sessions,
    ops,
    async start() {
      persistence.start();
      sweep();
      await ops.start();
      await client.login(config.token);
    },
    async stop() {
      await ops.stop(); // /readyz turns 503 first, so traffic drains before the gateway closes
      persistence.stop();
      await persistence.saveAll();
      sessions.endAll('shutdown');
      await client.destroy();
    },
  };
}

/** What the text channel is told when a session ends without anyone asking (idle/alone have their own). */
const END_NOTICES: Partial<Record<EndReason, string>> = {
  kicked: '👋 I was disconnected from the voice channel, so playback stopped and the queue was cleared. Use /play to start again.',
  disconnected: "⚠️ I lost the voice connection and couldn't get it back, so playback stopped and the queue was cleared. Use /play to start again.",
  evicted: '👋 I left the voice channel to make room for another server (nothing was playing here). Use /play to bring me back.',
};

function createClient(config: Config): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
    rest: { api: config.apiUrl },
    allowedMentions: NO_MENTIONS,
    // A music bot reads no messages: caching them would only cost memory.
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0, ReactionManager: 0 }),
  });
}

function createPipeline(config: Config, logger: Logger): AudioPipeline {
  const ffmpeg = locateFfmpeg(config.ffmpegPath);
  if (!ffmpeg) logger.warn('ffmpeg not found (set FFMPEG_PATH or install ffmpeg): only Opus sources will play');
  else logger.debug({ ffmpeg }, 'ffmpeg located');
  return new AudioPipeline(ffmpeg ? new FfmpegLauncher(ffmpeg.path, logger) : undefined, logger);
}

/** Every source adapter behind the resolver (cache, coalescing, worker pool, circuit breakers). */
async function createSources(config: Config, ports: Pick<AppPorts, 'clock' | 'logger' | 'store'>, ops: Ops): Promise<SourceStack> {
  const stack = await createSourceStack({
    ...ports,
    policy: new AddressPolicy(config.allowedPrivateHosts),
    fetchTimeoutMs: config.fetchTimeoutMs,
    maxMediaBytes: config.maxMediaBytes,
    searchSource: config.searchSource,
    resolveConcurrency: config.resolveConcurrency,
    cacheTtlMs: config.cacheTtlMs,
    maxPlaylist: config.maxPlaylist,
    ...(config.ytdlpPath ? { ytdlpPath: config.ytdlpPath } : {}),
    ...(config.mediaDir ? { mediaDir: config.mediaDir } : {}),
    ...(config.spotify ? { spotify: config.spotify } : {}),
    attachmentHosts: [...DISCORD_ATTACHMENT_HOSTS, ...config.allowedPrivateHosts],
    resolver: {
      onResolve: (source, seconds, cached) => ops.metrics.observeResolve(source, seconds, cached),
      onBreakerChange: ({ name, from, to }) => ports.logger.warn({ source: name, from: from.kind, to: to.kind }, 'source circuit breaker'),
    },
  });
  ops.readiness.addCheck({ name: 'yt-dlp', critical: false, check: () => ({ ok: stack.ytdlpFound }) });
  return stack;
}

async function registerCommands(client: Client, config: Config, logger: Logger): Promise<void> {
  if (!config.registerCommands || !client.application) return;
  try {
    const body = commands.map((c) => c.data);
    await (config.devGuildId ? client.application.commands.set(body, config.devGuildId) : client.application.commands.set(body));
    logger.info({ count: body.length, scope: config.devGuildId ?? 'global' }, 'slash commands registered');
  } catch (error) {
    logger.error({ err: error }, 'could not register slash commands');
  }
}
