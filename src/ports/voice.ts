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
   * for when transmission stops), so one track runs straight into the next. `next`, when given, is that
   * audio (still owned by the caller): an engine whose player runs elsewhere may start it by itself the
   * moment the current audio ends, and the caller then takes it over with `adopt`.
   */
  seamless(next?: PreparedAudio): void;
  /**
   * After an `idle` with no error: whether the engine already started `audio` (given to `seamless`) in the
   * current one's place; if so it is now the current audio, owned by the link, as if `play(audio)` had been
   * called at the exact frame the previous one ended. False (nothing changes): call `play` as usual.
   */
  adopt(audio: PreparedAudio): boolean;
  /** The audio given to `seamless` will not play next after all (the caller releases it). */
  withdraw(audio: PreparedAudio): void;
  /**
   * Starts `next` now as an overlap: the current audio's remaining frames fade out (equal power) while `next`
   * fades in over `fadeMs`, then `next` plays on untouched. `released` runs once the current audio is no longer
   * read (the overlap ended, or anything stopped or replaced it). False (and nothing changes) when it can't:
   * nothing playing, a PCM stream, no mixer.
   */
  crossfade(next: PreparedAudio, fadeMs: number, released: () => void): boolean;
  /** Leaves the channel and frees everything; `gone('destroyed')` is not emitted for a local destroy. */
  destroy(): void;
}

/** What a crossfade is told: how long the overlap is, and what the outgoing side already holds. */
export interface CrossfadeOptions {
  /** Overlap length in 20 ms frames. */
  readonly frames: number;
  /** Frames already taken off the outgoing stream but not played: they come first. */
  readonly outgoingHead?: readonly Buffer[];
  /** Frames the outgoing side just played: decoded once so its decoder state is warm. */
  readonly preroll?: readonly Buffer[];
  /** The outgoing side is no longer read (the overlap is over or the mix was destroyed); called once. */
  readonly onOutgoingDone?: () => void;
}

/**
 * Mixes two Opus frame streams (object mode, one 20 ms frame per chunk) into one: the overlap, then the
 * incoming frames as they are. Implemented in media (CrossfadeMixer), used by the voice link.
 */
export type FrameCrossfade = (outgoing: Readable, incoming: Readable, options: CrossfadeOptions) => Readable;

export interface VoicePort {
  /** Joins (or moves to) a channel; resolves once audio can flow. Rejects with a UserError on failure. */
  join(guildId: string, channelId: string, signal?: AbortSignal): Promise<VoiceLink>;
}

/**
 * Why an audio stopped when the engine that played it had to be restarted (an audio worker died): not the
 * track's fault, so the session reopens it where it was, whatever its retry budget. Never shown to users.
 */
export class EngineRestart extends Error {
  constructor() {
    super('the audio engine was restarted');
    this.name = 'EngineRestart';
  }
}
