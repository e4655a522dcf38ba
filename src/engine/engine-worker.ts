import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { nativeOpusCodec, opusCrossfade } from '../media/crossfade-mixer.js';
import { FrameMonitor } from '../ops/frame-monitor.js';
import { systemClock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { VoicePort } from '../ports/voice.js';
import type { FromWorker, ToWorker, WorkerBoot } from './engine-protocol.js';
import { WorkerHost } from './worker-host.js';

/**
 * An audio worker thread (started by WorkerVoice): its own @discordjs/voice instance, with its own 20 ms
 * audio cycle, DAVE sessions and UDP sockets, so nothing the main thread does (commands, playlist parsing,
 * the store, garbage collection) delays a frame. This file is the worker's composition root.
 */

if (!parentPort) throw new Error('engine-worker.ts runs as a worker thread (see WorkerVoice)');
const port = parentPort;
const boot = workerData as WorkerBoot;
const post = (message: FromWorker) => port.postMessage(message);

/** Log lines go to the main thread's logger (one destination, one redaction policy). */
function forwardingLogger(bindings: Record<string, unknown>): Logger {
  const line =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (obj: object | string, msg?: string): void => {
      const fields = typeof obj === 'string' ? {} : { ...(obj as Record<string, unknown>) };
      if (fields.err instanceof Error) fields.err = { message: fields.err.message, name: fields.err.name };
      const text = typeof obj === 'string' ? obj : msg;
      post({ type: 'log', level, bindings, obj: fields, ...(text !== undefined ? { msg: text } : {}) });
    };
  return {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    child: (more) => forwardingLogger({ ...bindings, ...more }),
  };
}

/** The nice value asked for this thread: audio first, when the host allows it (root, CAP_SYS_NICE, Nice=). */
const AUDIO_NICE = -10;

/**
 * Asks Linux to schedule this thread ahead of the bot's other work (and of other processes' threads), so a
 * frame due now does not wait behind a busy core. On Linux a thread id names one thread for setpriority;
 * without the privilege (an unprivileged user cannot go below 0) the thread keeps the process's priority.
 */
function preferAudioThread(logger: Logger): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(tid, AUDIO_NICE);
    logger.debug({ nice: AUDIO_NICE }, 'audio thread scheduled ahead');
  } catch (error) {
    logger.debug({ err: error }, 'audio thread keeps the normal priority (no privilege to raise it)');
  }
}

async function start(): Promise<void> {
  const logger = forwardingLogger({ thread: 'audio' });
  // As on the main thread (bot.ts): a stream library's stray error is logged, and the worker's other guilds
  // play on; a restart would silence every one of them for seconds.
  process.on('uncaughtException', (error) => logger.error({ err: error }, 'uncaught exception in an audio worker'));
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection in an audio worker'));
  preferAudioThread(logger);
  const host = new WorkerHost(post, new Int32Array(boot.positions));
  const frames = new FrameMonitor({
    clock: systemClock,
    sink: (guildId, sent, expected, silence) => post({ type: 'frames', guildId, sent, expected, silence }),
    intervalMs: boot.frameIntervalMs,
  });
  const ops = { frames, metrics: { voiceReconnect: () => post({ type: 'reconnect' }) } };
  const codec = nativeOpusCodec(boot.mixBitrate);
  let voice: VoicePort;
  try {
    // Loads @snazzah/davey: on a machine without its native binary this throws (the main thread then
    // answers joins with VOICE_E2EE_UNAVAILABLE, as the in-process engine does).
    const { DiscordVoice } = await import('../voice/discord-voice.js');
    voice = new DiscordVoice(host.adapterFor, logger, ops, codec && opusCrossfade(codec));
  } catch {
    post({ type: 'unavailable' });
    return;
  }
  port.on('message', (message: ToWorker) => host.handle(message, voice));
  post({ type: 'ready' });
}

void start();
