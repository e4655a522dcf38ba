import type { DiscordGatewayAdapterImplementerMethods } from '@discordjs/voice';
import type { AdapterSource } from '../voice/discord-voice.js';
import type { FromWorker, ToWorker } from './engine-protocol.js';

type AdapterMessage = Extract<FromWorker, { type: 'adapter-open' | 'adapter-close' | 'send-payload' }>;

/**
 * The main thread's half of the gateway adapters an audio worker uses: @discordjs/voice in the worker
 * opens an adapter (adapter-open), sends op 4 payloads through it (send-payload) and closes it; discord.js
 * here delivers the bot's voice state and server updates, which cross back. This is the boundary the
 * adapter interface was designed for: the voice library never touches the gateway itself.
 */
export class AdapterBridge {
  private readonly open = new Map<string, DiscordGatewayAdapterImplementerMethods>();

  constructor(
    private readonly adapters: AdapterSource,
    private readonly post: (message: ToWorker) => void,
    /**
     * The bot's voice channel in a guild as the gateway reports it (null: none), seen here before the worker:
     * the main thread's link mirrors it at once, as @discordjs/voice's joinConfig does in-process.
     */
    private readonly onChannel: (guildId: string, channelId: string | null) => void,
  ) {}

  receive(message: AdapterMessage): void {
    const { guildId } = message;
    if (message.type === 'send-payload') {
      this.open.get(guildId)?.sendPayload(message.payload as never);
      return;
    }
    this.open.get(guildId)?.destroy();
    this.open.delete(guildId);
    if (message.type === 'adapter-close') return;
    const creator = this.adapters(guildId);
    if (!creator) {
      this.post({ type: 'adapter-destroyed', guildId });
      return;
    }
    this.open.set(
      guildId,
      creator({
        onVoiceServerUpdate: (data) => this.post({ type: 'voice-server', guildId, data }),
        onVoiceStateUpdate: (data) => {
          if (data.channel_id !== undefined) this.onChannel(guildId, data.channel_id);
          this.post({ type: 'voice-state', guildId, data });
        },
        destroy: () => this.post({ type: 'adapter-destroyed', guildId }),
      }),
    );
  }

  /** The worker is gone: give every adapter it held back to discord.js. */
  closeAll(): void {
    for (const adapter of this.open.values()) adapter.destroy();
    this.open.clear();
  }
}
