import type { Client } from 'discord.js';
import type { AudioEngineSummary } from '../ops/owner-tools.js';
import type { Logger } from '../ports/logger.js';
import type { FrameCrossfade, VoicePort } from '../ports/voice.js';
import type { VoiceOps } from '../voice/discord-voice.js';
import { loadVoicePort, UnavailableVoice } from '../voice/voice-loader.js';
import { autoWorkers, WorkerVoice } from './worker-voice.js';

export interface EngineChoice {
  readonly client: Client;
  readonly logger: Logger;
  /** Frame sampling and reconnect counting: in-process they read the player directly, in workers by message. */
  readonly ops: VoiceOps & {
    readonly record: (guildId: string, sent: number, expected: number, silence: number) => void;
  };
  /** Crossfade mixing on this thread (in-process engine) or whether workers can mix (they build their own). */
  readonly mix: FrameCrossfade | undefined;
  readonly mixBitrate: number;
  /** AUDIO_WORKERS: 0 = in-process. */
  readonly workers: number | 'auto';
}

const inProcess = (): AudioEngineSummary => ({ kind: 'in-process' });

/** The audio engine the composition root hands to sessions, with a close for shutdown. */
export interface AudioEngine {
  readonly voice: VoicePort;
  /** `in-process` or the worker count. */
  readonly kind: 'in-process' | number;
  /**
   * Ends audio worker `index` abruptly, as a crash would; it is restarted like any worker that dies (ops
   * drills and the engine's fault test). False with the in-process engine.
   */
  crash(index: number): boolean;
  /** For /status: in-process, or the guilds on each worker. */
  summary(): AudioEngineSummary;
  close(): Promise<void>;
}

/**
 * Chooses the engine: audio worker threads by default (AUDIO_WORKERS=auto, one per core), the in-process
 * engine with AUDIO_WORKERS=0. Either way a machine without the DAVE library gets a voice port that refuses
 * joins with a clear reason, and one log line says why.
 */
export async function loadAudioEngine(choice: EngineChoice): Promise<AudioEngine> {
  const count = choice.workers === 'auto' ? autoWorkers() : choice.workers;
  if (count === 0) {
    const voice = await loadVoicePort(choice.client, choice.logger, choice.ops, choice.mix);
    return { voice, kind: 'in-process', crash: () => false, summary: inProcess, close: async () => undefined };
  }
  const engine = new WorkerVoice({
    workers: count,
    adapters: (guildId) => choice.client.guilds.cache.get(guildId)?.voiceAdapterCreator,
    sinks: {
      logger: choice.logger,
      frames: choice.ops.record,
      reconnect: () => choice.ops.metrics.voiceReconnect(),
    },
    canMix: choice.mix !== undefined,
    mixBitrate: choice.mixBitrate,
  });
  if ((await engine.start()) === 'ready') {
    choice.logger.info({ audioWorkers: count }, 'audio engine: worker threads');
    return {
      voice: engine,
      kind: count,
      crash: (index) => engine.crash(index),
      summary: () => ({ kind: 'workers', guilds: engine.load() }),
      close: () => engine.close(),
    };
  }
  await engine.close();
  choice.logger.error(
    { see: 'docs/troubleshooting.md#voice-refused-close-4017-dave-required' },
    'voice disabled: @discordjs/voice could not load @snazzah/davey (DAVE end-to-end encryption, required by Discord); run `npm run doctor`',
  );
  return {
    voice: new UnavailableVoice(choice.logger),
    kind: count,
    crash: () => false,
    summary: inProcess,
    close: async () => undefined,
  };
}
