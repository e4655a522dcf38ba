import type { Client } from 'discord.js';
import { UserError } from '../core/errors.js';
import type { Logger } from '../ports/logger.js';
import type { FrameCrossfade, VoicePort } from '../ports/voice.js';
import type { VoiceOps } from './discord-voice.js';

/**
 * Loads the voice adapter. @discordjs/voice requires @snazzah/davey (DAVE E2EE, mandatory on Discord) when it
 * is first loaded; on a machine where davey's native binary is missing that throws. Rather than crash or
 * join and be refused (close 4017) in a loop, the bot then runs without voice: one clear log line at start,
 * and every join answers members with VOICE_E2EE_UNAVAILABLE.
 */
export async function loadVoicePort(
  client: Client,
  logger: Logger,
  ops?: VoiceOps,
  mix?: FrameCrossfade,
): Promise<VoicePort> {
  try {
    const { DiscordVoice } = await import('./discord-voice.js');
    return new DiscordVoice((guildId) => client.guilds.cache.get(guildId)?.voiceAdapterCreator, logger, ops, mix);
  } catch (error) {
    logger.error(
      { err: error, see: 'docs/troubleshooting.md#voice-refused-close-4017-dave-required' },
      'voice disabled: @discordjs/voice could not load @snazzah/davey (DAVE end-to-end encryption, required by Discord); run `npm run doctor`',
    );
    return new UnavailableVoice(logger);
  }
}

/** The voice port when DAVE cannot load: joins fail at once with a member-facing reason, never retried. */
export class UnavailableVoice implements VoicePort {
  constructor(private readonly logger: Logger) {}

  join(guildId: string): Promise<never> {
    this.logger.warn({ guildId }, 'voice join refused: DAVE library unavailable');
    return Promise.reject(new UserError('VOICE_E2EE_UNAVAILABLE'));
  }
}
