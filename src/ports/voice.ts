import type { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import type { SourceName } from '../core/track.js';

/**
 * Audio ready for Discord: an Opus stream in a container the voice library demuxes without re-encoding.
 * `pcm` (48 kHz stereo s16le, encoded in-process with inline volume) exists only as the benchmark's baseline:
 * it is what popular bots do for every track, and it costs event-loop CPU per stream.
 */
export type PipelineKind = 'passthrough' | 'ffmpeg' | 'baseline';

export interface PreparedAudio {
  readonly stream: Readable;
  readonly container: 'ogg-opus' | 'webm-opus' | 'pcm';
  readonly pipeline: PipelineKind;
  /** Inline volume for the `pcm` baseline (1 = unchanged). */
  readonly inlineVolume?: number;
  /** The source that really served the bytes, when not the track's own (MediaStream.servedBy). */
  readonly servedBy?: SourceName;
  /** Releases the source (sockets, ffmpeg); idempotent. */
  dispose(): void;
}

/** Why a voice link ended for good; the session ends with it. */
export type VoiceGoneReason = 'kicked' | 'disconnected' | 'destroyed';

export type VoiceLinkEvents = {
  /** The current audio finished or was stopped. `error` is set when it failed mid-way. */
  idle: [error?: Error];
  /** The link is gone (kicked, channel deleted, could not reconnect). */
  gone: [reason: VoiceGoneReason];
  /** The bot was moved to another channel by someone. */
  moved: [channelId: string];
};

/**
 * One guild's voice connection plus its audio player. Methods that don't apply return false rather than
 * throw (the @discordjs/voice convention).
 */
export interface VoiceLink extends Pick<EventEmitter<VoiceLinkEvents>, 'on' | 'off'> {
  readonly guildId: string;
  channelId(): string;
  play(audio: PreparedAudio): void;
  /** Stops the current audio; `idle` follows. */
  stop(): boolean;
  pause(): boolean;
  resume(): boolean;
  /** Milliseconds of the current audio that have been played. */
  playbackMs(): number;
  /**
   * The next audio is ready: let the current one end without its silence padding (5 frames, 100 ms, meant
   * for when transmission stops), so one track runs straight into the next.
   */
  seamless(): void;
  /** Leaves the channel and frees everything; `gone('destroyed')` is not emitted for a local destroy. */
  destroy(): void;
}

export interface VoicePort {
  /** Joins (or moves to) a channel; resolves once audio can flow. Rejects with a UserError on failure. */
  join(guildId: string, channelId: string, signal?: AbortSignal): Promise<VoiceLink>;
}
