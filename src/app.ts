import { Client, GatewayIntentBits, Options, type VoiceState } from 'discord.js';
import { commands } from './commands/index.js';
import type { CommandDeps } from './commands/command.js';
import type { Config } from './config.js';
import { Queue } from './core/queue.js';
import { ChannelNotifier } from './discord/channel-notifier.js';
import { InteractionRouter, NO_MENTIONS } from './discord/router.js';
import { FfmpegLauncher } from './media/ffmpeg-launcher.js';
import { locateFfmpeg } from './media/ffmpeg-locator.js';
import { AudioPipeline } from './media/pipeline.js';
import { AddressPolicy } from './net/address-policy.js';
import type { Clock } from './ports/clock.js';
import type { Logger } from './ports/logger.js';
import { GuildSession } from './session/guild-session.js';
import { SessionManager } from './session/session-manager.js';
import { SourceTrackLoader } from './session/track-loader.js';
import { HttpSource } from './sources/http-source.js';
import { SourceRegistry } from './sources/source-registry.js';
import { DiscordVoice } from './voice/discord-voice.js';

export interface App {
  readonly client: Client;
  readonly sessions: SessionManager;
  start(): Promise<void>;
  /** Stops intake, ends every session (leaving voice) and closes the gateway. */
  stop(): Promise<void>;
}

/** The composition root: the only place adapters are built and wired. */
export function createApp(config: Config, logger: Logger, clock: Clock): App {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
    rest: { api: config.apiUrl },
    allowedMentions: NO_MENTIONS,
    // A music bot reads no messages: caching them would only cost memory.
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0, ReactionManager: 0 }),
  });
  const ffmpeg = locateFfmpeg(config.ffmpegPath);
  if (!ffmpeg) logger.warn('ffmpeg not found (set FFMPEG_PATH or install ffmpeg): only Opus sources will play');
  else logger.debug({ ffmpeg }, 'ffmpeg located');
  const pipeline = new AudioPipeline(ffmpeg ? new FfmpegLauncher(ffmpeg.path, logger) : undefined, logger);
  const policy = new AddressPolicy(config.allowedPrivateHosts);
  const sources = new SourceRegistry([
    new HttpSource({ policy, clock, timeoutMs: config.fetchTimeoutMs, maxBytes: config.maxMediaBytes }),
  ]);
  const loader = new SourceTrackLoader(sources, pipeline);
  const notifier = new ChannelNotifier(client, logger);
  const sessions = new SessionManager(
    new DiscordVoice(client, logger),
    (guildId, link, textChannelId) =>
      new GuildSession({
        guildId, link, textChannelId, loader, notifier, clock,
        queue: new Queue(),
        logger: logger.child({ guildId }),
      }),
    logger,
  );
  const deps: CommandDeps = { config, sessions, sources, clock, logger };
  const router = new InteractionRouter(commands, deps, logger);
  wireEvents(client, sessions, router, logger);
  client.once('clientReady', () => void registerCommands(client, config, logger));

  return {
    client,
    sessions,
    async start() {
      await client.login(config.token);
    },
    async stop() {
      sessions.endAll('shutdown');
      await client.destroy();
    },
  };
}

function wireEvents(client: Client, sessions: SessionManager, router: InteractionRouter, logger: Logger): void {
  client.on('interactionCreate', (interaction) => void router.handle(interaction));
  client.on('voiceStateUpdate', (_old: VoiceState, state: VoiceState) => {
    if (state.id === client.user?.id) sessions.onBotVoiceChannel(state.guild.id, state.channelId);
  });
  client.on('guildDelete', (guild) => sessions.end(guild.id, 'guild-removed'));
  client.on('channelDelete', (channel) => {
    if ('guildId' in channel && sessions.get(channel.guildId)?.voiceChannelId === channel.id) {
      sessions.end(channel.guildId, 'disconnected');
    }
  });
  client.on('error', (error) => logger.error({ err: error }, 'discord client error'));
  client.on('warn', (message) => logger.warn(message));
  client.once('clientReady', (ready) => logger.info({ user: ready.user.tag, guilds: ready.guilds.cache.size }, 'connected to Discord'));
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
