import type { Client, VoiceState } from 'discord.js';
import type { Logger } from '../ports/logger.js';
import type { SessionManager } from '../session/session-manager.js';
import type { SessionSupervisor } from '../session/session-supervisor.js';
import type { InteractionRouter } from './router.js';

export interface ClientEventDeps {
  readonly sessions: SessionManager;
  readonly supervisor: SessionSupervisor;
  readonly router: InteractionRouter;
  readonly logger: Logger;
}

/** Every discord.js event the bot reacts to, in one place. */
export function wireClientEvents(client: Client, deps: ClientEventDeps): void {
  const { sessions, supervisor, router, logger } = deps;
  client.on('interactionCreate', (interaction) => void router.handle(interaction));
  client.on('voiceStateUpdate', (_old: VoiceState, state: VoiceState) => {
    if (state.id === client.user?.id) sessions.onBotVoiceChannel(state.guild.id, state.channelId);
    const session = sessions.get(state.guild.id);
    if (session && session.state.status !== 'destroyed') supervisor.onVoiceChange(session);
  });
  client.on('guildDelete', (guild) => sessions.end(guild.id, 'guild-removed'));
  client.on('channelDelete', (channel) => {
    if ('guildId' in channel && sessions.get(channel.guildId)?.voiceChannelId === channel.id) {
      sessions.end(channel.guildId, 'disconnected');
    }
  });
  client.on('error', (error) => logger.error({ err: error }, 'discord client error'));
  client.on('warn', (message) => logger.warn(message));
  client.once('clientReady', (ready) =>
    logger.info({ user: ready.user.tag, guilds: ready.guilds.cache.size }, 'connected to Discord'),
  );
}

/** Humans in a voice channel (the bot and other bots do not count as listeners). */
export function countListeners(client: Client, guildId: string, channelId: string): number {
  const guild = client.guilds.cache.get(guildId);
  if (!guild) return 0;
  return guild.voiceStates.cache.filter(
    (vs) => vs.channelId === channelId && vs.id !== client.user?.id && vs.member?.user.bot !== true,
  ).size;
}
