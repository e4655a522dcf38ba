import { Client, GatewayIntentBits, Options } from 'discord.js';
import { CommandIds } from './commands/command-ids.js';
import { commands } from './commands/index.js';
import type { CommandDeps } from './commands/command.js';
import type { Config } from './config.js';
import { childEnv } from './core/child-env.js';
import { Queue } from './core/queue.js';
import { traced } from './core/activity.js';
import { CommandRateLimiter, TokenBuckets } from './core/token-bucket.js';
import { LoopWatchdog } from './ops/loop-watchdog.js';
import { ChannelNotifier } from './discord/channel-notifier.js';
import { AutoplayController } from './discord/autoplay-controller.js';
import { RelatedTracks } from './resolver/related-tracks.js';
import { AutoplaySwitch } from './session/autoplay-switch.js';
import { firstStartHints, INVITE_PERMISSIONS, INVITE_SCOPES, inviteUrl } from './discord/invite.js';
import { discordPlayerChannels } from './discord/player-channels.js';
import { PlayerMessages } from './discord/player-message.js';
import { wireClientEvents, countListeners } from './discord/client-events.js';
import { buttonHandlers } from './discord/button-handlers.js';
import { InteractionRouter } from './discord/router.js';
import { NO_MENTIONS } from './commands/reply.js';
import { nativeOpusCodec, opusCrossfade } from './media/crossfade-mixer.js';
import { FfmpegLauncher } from './media/ffmpeg-launcher.js';
import { locateFfmpeg } from './media/ffmpeg-locator.js';
import { LoudnessCache } from './media/loudness-cache.js';
import { measureLoudness, normalizationGain } from './media/loudness.js';
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
import { PlaylistStore } from './settings/playlist-store.js';
import { LyricsFollowers } from './commands/lyrics-follower.js';
import { LrclibClient } from './sources/lyrics/lrclib-client.js';
import { LyricsService } from './resolver/lyrics-service.js';
import { ownerYtDlpOptions } from './sources/ytdlp/ytdlp-owner.js';
import { startYtDlpMaintenance } from './sources/ytdlp/ytdlp-maintenance.js';
import { activeBinary } from './sources/ytdlp/ytdlp-updater.js';
import { trackGateway } from './ops/gateway-readiness.js';
import { watchYouTubeHealth } from './ops/youtube-readiness.js';
import { instrumentLoader } from './session/instrument.js';
import { createOps, type Ops } from './ops/ops.js';
import { registerResolverMetrics } from './ops/resolver-metrics.js';
import type { VoiceLink } from './ports/voice.js';
import { createOwnerTools } from './discord/owner-tools-wiring.js';
import { shardLabel } from './ops/shard-config.js';
import { botVersion } from './ops/version.js';
import { loadAudioEngine, type AudioEngine } from './engine/engine-loader.js';
import { startWebApi, type WebServer } from './web-api/web-wiring.js';

export interface App {
  readonly client: Client;
  readonly sessions: SessionManager;
  readonly ops: Ops;
  /** The audio engine (in-process or worker threads). */
  readonly engine: AudioEngine;
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
  const shard = shardLabel(process.env);
  const ops = createOps({
    httpPort: config.httpPort,
    httpHost: config.httpHost,
    logger,
    clock,
    metrics: shard ? { defaultLabels: { shard } } : {},
    historyIntervalMs: config.statusSampleMs,
  });
  trackGateway(client, ops.readiness);
  ops.readiness.addCheck({
    name: 'store',
    critical: false,
    check: () => ({ ok: store.healthy ?? true, ...(store.problem ? { detail: store.problem } : {}) }),
  });
  ops.metrics.sampleHealth(() => ({ ready: ops.readiness.evaluate().ready, storeHealthy: store.healthy ?? true }));
  const version = botVersion();
  ops.metrics.setBuildInfo(version);
  // Every child (yt-dlp, ffmpeg, loudness analysis, the /status probe) runs in this one minimal environment:
  // no token, store URL or API secrets, only what CHILD_ENV_PASSTHROUGH adds on purpose.
  const childEnvironment = childEnv(process.env, config.childEnvPassthrough);
  const stack = await createSources(config, { clock, logger, store }, ops, childEnvironment);
  // Until a canary exists, YouTube is healthy exactly when its tool is installed.
  ops.metrics.setSourceHealth('youtube', stack.ytdlpFound);
  const sources = stack.resolver;
  const ffmpeg = locateFfmpeg(config.ffmpegPath);
  const pipeline = createPipeline(ffmpeg?.path, logger, childEnvironment);
  const loader = instrumentLoader(
    new SourceTrackLoader(sources, pipeline, { baseline: config.baselinePipeline }),
    ops.metrics,
  );
  const loudness = ffmpeg && createLoudness(ffmpeg.path, childEnvironment, sources, { store, logger }, ops);
  const notifier = new ChannelNotifier(client, logger);
  const settings = new SettingsStore(store, { normalize: config.normalizeDefault });
  const player = new PlayerMessages({
    channels: discordPlayerChannels(client),
    settings,
    logger,
    repostAfter: config.playerRepostAfter,
    clock,
  });
  const autoplaySwitch = new AutoplaySwitch();
  const autoplay = new AutoplayController({
    related: new RelatedTracks({ youtube: stack.youtube, soundcloud: stack.soundcloud }),
    switch: autoplaySwitch,
    settings,
    notifier,
    logger,
    listeners: (guildId, channelId) => countListeners(client, guildId, channelId),
    requester: () => ({ id: client.user?.id ?? '0', name: 'autoplay' }),
  });
  const codec = nativeOpusCodec(MIX_BITRATE);
  const engine = await loadAudioEngine({
    client,
    logger,
    ops: {
      ...ops,
      record: (guildId, sent, expected, silence) => ops.metrics.recordFrames(guildId, sent, expected, silence),
    },
    mix: codec && opusCrossfade(codec),
    mixBitrate: MIX_BITRATE,
    workers: config.audioWorkers,
  });
  const voice = engine.voice;
  const sessions: SessionManager = new SessionManager(
    voice,
    (guildId: string, link: VoiceLink, seed: SessionSeed) => {
      const session = new GuildSession({
        guildId,
        link,
        loader,
        notifier,
        clock,
        textChannelId: seed.textChannelId,
        queue: seed.queue ? Queue.restore(seed.queue) : new Queue(),
        volume: seed.volume ?? settings.peek(guildId).defaultVolume / 100,
        ...(seed.filter ? { filter: seed.filter } : {}),
        crossfadeSeconds: () => settings.peek(guildId).crossfadeSeconds,
        logger: logger.child({ guildId }),
        ...(loudness
          ? {
              sound: {
                loudness,
                enabled: () => settings.peek(guildId).normalize,
                gainFor: (measured) => normalizationGain(measured, config.normalizeTargetLufs),
              },
            }
          : {}),
      });
      supervisor.watch(session);
      player.watch(session);
      autoplay.watch(session);
      return session;
    },
    config.maxSessions,
    logger,
  );
  const supervisor = new SessionSupervisor({
    idleTimeoutMs: config.idleTimeoutMs,
    aloneTimeoutMs: config.aloneTimeoutMs,
    clock,
    notifier,
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
  const owner = createOwnerTools({
    client,
    config,
    clock,
    logger,
    ops,
    sessions,
    store,
    notifier,
    version,
    shard,
    childEnv: childEnvironment,
    audio: () => engine.summary(),
  });
  const playlists = new PlaylistStore(
    store,
    { perUser: config.maxSavedPlaylists, tracks: config.maxSavedPlaylistTracks },
    clock,
  );
  const lyrics = createLyrics(config, store, clock, logger);
  const commandIds = new CommandIds();
  const deps: CommandDeps = {
    config,
    sessions,
    sources,
    settings,
    votes: new VoteSkips(),
    clock,
    logger,
    owner,
    playlists,
    lyrics,
    autoplay: autoplaySwitch,
    player,
    commandIds,
  };
  wireClientEvents(client, {
    sessions,
    supervisor,
    router: new InteractionRouter({
      commands,
      buttons: buttonHandlers,
      deps,
      logger,
      metrics: ops.metrics,
      limits: interactionLimits(config, clock),
    }),
    logger,
  });
  client.once('clientReady', () => {
    void registerCommands(client, config, logger, commandIds);
    void resumeSessions({
      sessions,
      persistence,
      notifier,
      logger,
      clock,
      ownsGuild: (id) => client.guilds.cache.has(id),
    })
      .then((count) => count > 0 && logger.info({ count }, 'resumed sessions after restart'))
      .catch((error: unknown) => logger.error({ err: error }, 'resuming sessions after restart failed'));
  });
  const sweep = () => {
    supervisor.sweep(sessions.all());
    clock.setTimeout(sweep, config.cleanupIntervalMs).unref?.();
  };
  // Expired song-cache rows are otherwise deleted only when read again: the store would grow forever.
  const sweepCache = () => {
    void traced('cache:sweep', () => stack.cache.sweepExpired());
    clock.setTimeout(sweepCache, CACHE_SWEEP_INTERVAL_MS).unref?.();
  };
  const watchdog = new LoopWatchdog({ logger });
  // The web player and API (WEB_ENABLED): starts beside the gateway login, never delaying it.
  let web: Promise<WebServer | undefined> = Promise.resolve(undefined);

  return {
    client,
    sessions,
    ops,
    engine,
    async start() {
      persistence.start();
      sweep();
      clock.setTimeout(sweepCache, CACHE_SWEEP_INTERVAL_MS).unref?.();
      watchdog.start();
      await ops.start();
      web = startWebApi(client, deps, store, config);
      if (config.shards)
        logger.info({ shards: config.shards.ids, shardCount: config.shards.count }, 'running these shards');
      await client.login(config.token);
    },
    async stop() {
      stack.stopMaintenance();
      await ops.stop(); // /readyz turns 503 first, so traffic drains before the gateway closes
      await (await web)?.stop();
      persistence.stop();
      await persistence.saveAll();
      sessions.endAll('shutdown');
      watchdog.stop();
      await engine.close();
      await client.destroy();
    },
  };
}

/** The bitrate crossfades re-encode at: ffmpeg's (see SourceTrackLoader), so an overlap sounds like the tracks. */
const MIX_BITRATE = 96_000;

/** How often expired song-cache rows are deleted from the store. */
const CACHE_SWEEP_INTERVAL_MS = 10 * 60_000;

/** What the text channel is told when a session ends without anyone asking (idle/alone have their own). */
const END_NOTICES: Partial<Record<EndReason, string>> = {
  kicked:
    '👋 I was disconnected from the voice channel, so playback stopped and the queue was cleared. Use /play to start again.',
  disconnected:
    "⚠️ I lost the voice connection and couldn't get it back, so playback stopped and the queue was cleared. Use /play to start again.",
  evicted:
    '👋 I left the voice channel to make room for another server (nothing was playing here). Use /play to bring me back.',
};

/** Command buckets from RATE_LIMIT_MEMBER / RATE_LIMIT_GUILD; autocomplete: 8 keystrokes at once, 4 a second. */
function interactionLimits(config: Config, clock: Clock) {
  const now = () => clock.now();
  return {
    commands: new CommandRateLimiter({ member: config.rateLimitMember, guild: config.rateLimitGuild }, now),
    autocomplete: new TokenBuckets({ capacity: 8, perMs: 2_000 }, now),
  };
}

function createClient(config: Config): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
    rest: { api: config.apiUrl },
    // Set for one of several processes (by hand or a StatefulSet pod): only its shards, out of the total.
    ...(config.shards ? { shards: [...config.shards.ids], shardCount: config.shards.count } : {}),
    allowedMentions: NO_MENTIONS,
    // A music bot reads no messages: caching them would only cost memory.
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0, ReactionManager: 0 }),
  });
}

function createLyrics(config: Config, store: KeyValueStore, clock: Clock, logger: Logger): CommandDeps['lyrics'] {
  if (!config.lyricsApiUrl) return undefined;
  const client = new LrclibClient({
    baseUrl: config.lyricsApiUrl,
    onError: (error, path) => logger.warn({ err: error, path }, 'lyrics lookup failed'),
  });
  return { service: new LyricsService(client, store), followers: new LyricsFollowers(clock) };
}

function createPipeline(ffmpegPath: string | undefined, logger: Logger, env: Record<string, string>): AudioPipeline {
  if (!ffmpegPath) logger.warn('ffmpeg not found (set FFMPEG_PATH or install ffmpeg): only Opus sources will play');
  else logger.debug({ ffmpeg: ffmpegPath }, 'ffmpeg located');
  return new AudioPipeline(ffmpegPath ? new FfmpegLauncher(ffmpegPath, logger, undefined, env) : undefined, logger);
}

/** Loudness for normalization: measured from a second read of the track's source, cached in the store. */
function createLoudness(
  ffmpegPath: string,
  env: Record<string, string>,
  sources: SourceStack['resolver'],
  ports: Pick<AppPorts, 'store' | 'logger'>,
  ops: Ops,
): LoudnessCache {
  return new LoudnessCache({
    ...ports,
    analyze: async (track, signal) =>
      measureLoudness(ffmpegPath, (await sources.stream(track, { startMs: 0, signal })).stream, signal, env),
    onLookup: (hit) => ops.metrics.loudnessLookup(hit),
    onAnalysis: (ok, seconds) => ops.metrics.loudnessAnalysis(ok, seconds),
  });
}

/** Every source adapter behind the resolver (cache, coalescing, worker pool, circuit breakers). */
async function createSources(
  config: Config,
  ports: Pick<AppPorts, 'clock' | 'logger' | 'store'>,
  ops: Ops,
  ytdlpEnv: Record<string, string>,
): Promise<SourceStack & { stopMaintenance(): void }> {
  const holder: { stack?: SourceStack } = {}; // the breaker listener is wired before the stack exists
  const owner = await ownerYtDlpOptions(config.ytdlp, config.dataDir, ports.logger);
  const stack = await createSourceStack({
    // yt-dlp gets a minimal environment (no token or secrets), the owner's extra options and cookies copy.
    ytdlp: {
      args: { extraArgs: owner.extraArgs },
      ...(owner.beforeRun ? { beforeRun: owner.beforeRun } : {}),
      env: ytdlpEnv,
    },
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
    onSourceFailure: (source, code) => ops.metrics.countSourceFailure(source, code),
    ...(config.ytdlp.autoUpdate !== 'off' ? { ytdlpActive: () => activeBinary(config.dataDir) } : {}),
    resolver: {
      onResolve: (source, seconds, cached) => ops.metrics.observeResolve(source, seconds, cached),
      onBreakerChange: ({ name, from, to }) => {
        ports.logger.warn({ source: name, from: from.kind, to: to.kind }, 'source circuit breaker');
        if (name === 'youtube' && (to.kind === 'open') !== (from.kind === 'open'))
          holder.stack?.health.breaker(to.kind === 'open');
      },
    },
  });
  holder.stack = stack;
  ops.readiness.addCheck({ name: 'yt-dlp', critical: false, check: () => ({ ok: stack.ytdlpFound }) });
  registerResolverMetrics(ops.metrics.registry, () => stack.resolver.stats());
  watchYouTubeHealth(stack.health, ops);
  const { ytdlp } = config;
  const maintenance = stack.client
    ? startYtDlpMaintenance({
        client: stack.client,
        clientOptions: { args: { extraArgs: owner.extraArgs }, env: ytdlpEnv },
        autoUpdate: ytdlp.autoUpdate,
        updateSource: ytdlp.updateSource,
        canaryUrl: ytdlp.canaryUrl,
        canaryIntervalMs: ytdlp.canaryIntervalMs,
        dataDir: config.dataDir,
        health: stack.health,
        clock: ports.clock,
        logger: ports.logger,
        onUpdate: (result) => ops.metrics.countYtDlpUpdate(result),
      })
    : null;
  return { ...stack, stopMaintenance: () => maintenance?.stop() };
}

/**
 * Registers the commands (globally, or in DEV_GUILD_ID), remembers their ids for `</name:id>` mentions, and
 * logs what a first-time owner needs next: the invite link and when the commands will show up. Commands belong
 * to the application, not a shard: with several processes only the one running shard 0 registers them (a
 * restart of N pods is one registration, not N); the others only read their ids.
 */
async function registerCommands(client: Client, config: Config, logger: Logger, ids: CommandIds): Promise<void> {
  const application = client.application;
  if (!application) return;
  const shards = client.options.shards;
  const leader = !Array.isArray(shards) || shards.includes(0);
  const register = config.registerCommands && leader;
  const scope = config.registerCommands ? (config.devGuildId ? 'guild' : 'global') : 'off';
  try {
    const body = commands.map((c) => c.data);
    const where = config.devGuildId ? { guildId: config.devGuildId } : {};
    const registered = register
      ? await (config.devGuildId ? application.commands.set(body, config.devGuildId) : application.commands.set(body))
      : await application.commands.fetch(where);
    ids.set(registered.values());
    if (register)
      logger.info({ count: body.length, scope: config.devGuildId ?? 'global' }, 'slash commands registered');
  } catch (error) {
    logger.error(
      { err: error },
      register ? 'could not register slash commands' : 'could not read the registered commands',
    );
  }
  if (!leader) return; // the owner's first-start hints once, from the process that registers
  const [invite, when] = firstStartHints(application.id, scope, config.devGuildId);
  logger.info(
    {
      invite: inviteUrl(application.id),
      permissions: INVITE_PERMISSIONS.bitfield.toString(),
      scopes: INVITE_SCOPES.join(' '),
    },
    invite ?? '',
  );
  logger.info({ scope }, when ?? '');
}
