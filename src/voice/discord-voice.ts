import {
  AudioPlayerStatus,
  createAudioPlayer,
  entersState,
  joinVoiceChannel,
  NoSubscriberBehavior,
  VoiceConnectionDisconnectReason,
  VoiceConnectionStatus,
  type AudioPlayer,
  type AudioPlayerState,
  type AudioResource,
  type DiscordGatewayAdapterCreator,
  type VoiceConnection,
  type VoiceConnectionState,
} from '@discordjs/voice';
import { EventEmitter } from 'node:events';
import { UserError } from '../core/errors.js';
import type { FrameMonitor, FrameSample } from '../ops/frame-monitor.js';
import type { Metrics } from '../ops/metrics.js';
import type { Logger } from '../ports/logger.js';
import type { FrameCrossfade, PreparedAudio, VoiceLink, VoiceLinkEvents, VoicePort } from '../ports/voice.js';
import { E2EE_REQUIRED_CLOSE, e2eeStatus, waitForE2ee, watchVoiceCloses } from './dave-readiness.js';
import { crossfadeResource, trackResource, type TrackResource } from './track-resource.js';

const READY_TIMEOUT_MS = 20_000;
/** After a 4014 close Discord may be moving us: give it this long to start connecting again. */
const MOVE_GRACE_MS = 5_000;
const MAX_REJOINS = 3;
/** A source may stall briefly (network hiccup) without the track ending: 5 s of missed 20 ms frames. */
const MAX_MISSED_FRAMES = 250;
/** How long a join waits for the DAVE group, so the first audible frame is end-to-end encrypted. */
const E2EE_WAIT_MS = 3_000;
/** With nobody else in the channel there is no group to wait for; ops 11 arrive within this. */
const E2EE_ALONE_MS = 300;

/** Optional operations hooks: frame-deficit sampling and the reconnect counter. */
export interface VoiceOps {
  readonly frames: Pick<FrameMonitor, 'track' | 'interrupt'>;
  readonly metrics: Pick<Metrics, 'voiceReconnect'>;
}

/**
 * Where a guild's gateway adapter comes from: discord.js's `guild.voiceAdapterCreator` on the main thread, a
 * message-passing stand-in in an audio worker (src/engine). Undefined: the bot is not in that guild.
 */
export type AdapterSource = (guildId: string) => DiscordGatewayAdapterCreator | undefined;

/** The voice port on @discordjs/voice. DAVE (E2EE) stays on: the library loads @snazzah/davey itself. */
export class DiscordVoice implements VoicePort {
  constructor(
    private readonly adapters: AdapterSource,
    private readonly logger: Logger,
    private readonly ops?: VoiceOps,
    /** Mixes two tracks' frames for a crossfade (absent: crossfades are refused, tracks switch gaplessly). */
    private readonly mix?: FrameCrossfade,
  ) {}

  async join(guildId: string, channelId: string, signal?: AbortSignal): Promise<VoiceLink> {
    const adapterCreator = this.adapters(guildId);
    if (!adapterCreator) throw new UserError('VOICE_CONNECT_FAILED');
    const connection = joinVoiceChannel({
      guildId,
      channelId,
      adapterCreator,
      selfDeaf: true,
      daveEncryption: true,
    });
    const refusal = new AbortController();
    watchVoiceCloses(connection, (code) => {
      if (code !== E2EE_REQUIRED_CLOSE || refusal.signal.aborted) return;
      // @discordjs/voice would rejoin (and be refused again) forever: stop here, once.
      refusal.abort();
      this.logger.error(
        { guildId, closeCode: code, see: 'docs/troubleshooting.md#voice-refused-close-4017-dave-required' },
        'voice server refused the connection: DAVE end-to-end encryption is required (close 4017); not rejoining',
      );
      if (connection.state.status !== VoiceConnectionStatus.Destroyed) connection.destroy();
    });
    const refused = refusal.signal;
    try {
      await entersState(
        connection,
        VoiceConnectionStatus.Ready,
        AbortSignal.any([signal ?? AbortSignal.timeout(READY_TIMEOUT_MS), refused]),
      );
    } catch (error) {
      if (connection.state.status !== VoiceConnectionStatus.Destroyed) connection.destroy();
      if (refused.aborted) throw new UserError('VOICE_E2EE_REQUIRED');
      this.logger.warn(
        { guildId, err: error, see: 'docs/troubleshooting.md#voice-never-connects-blocked-udp' },
        'voice connection did not become ready',
      );
      throw new UserError('VOICE_CONNECT_FAILED');
    }
    const e2ee = await waitForE2ee(connection, { timeoutMs: E2EE_WAIT_MS, aloneMs: E2EE_ALONE_MS });
    const { protocol } = e2eeStatus(connection);
    if (e2ee === 'timeout')
      this.logger.warn({ guildId, daveProtocol: protocol }, 'DAVE group not ready in time; playing anyway');
    else this.logger.info({ guildId, daveProtocol: protocol, e2ee }, 'voice ready');
    return new DiscordVoiceLink(guildId, connection, this.logger.child({ guildId }), this.ops, this.mix);
  }
}

class DiscordVoiceLink extends EventEmitter<VoiceLinkEvents> implements VoiceLink {
  private readonly player: AudioPlayer;
  /**
   * The playing track. `streamError` is what the audio stream itself failed with (a UserError from the
   * source or ffmpeg, with the catalogue text users should see); `error` is the player's copy of it
   * (@discordjs/voice's AudioPlayerError keeps only the message, so it is no longer a UserError).
   */
  private current:
    | (TrackResource & {
        audio: PreparedAudio;
        error?: Error;
        streamError?: Error;
        /** Releases the track this one is fading in over (a crossfade still mixing); idempotent. */
        releaseOutgoing?: () => void;
      })
    | undefined;
  /** True while this link stops the player itself, so the resulting Idle is not mistaken for a stalled source. */
  private stopping = false;
  /** How far the last released audio got: `playbackMs()` until the next `play`, so the `idle` listener can tell an end from a cut. */
  private releasedAtMs = 0;
  private lastChannelId: string;
  private destroyed = false;
  private readonly untrackFrames: (() => void) | undefined;

  constructor(
    readonly guildId: string,
    private readonly connection: VoiceConnection,
    private readonly logger: Logger,
    private readonly ops?: VoiceOps,
    private readonly mix?: FrameCrossfade,
  ) {
    super();
    this.lastChannelId = connection.joinConfig.channelId ?? '';
    this.player = createAudioPlayer({
      behaviors: { noSubscriber: NoSubscriberBehavior.Pause, maxMissedFrames: MAX_MISSED_FRAMES },
    });
    // Before onPlayerState (which releases the ended track): a state change closes the frame window first.
    if (ops) this.player.on('stateChange', () => ops.frames.interrupt(guildId));
    this.player.on('stateChange', this.onPlayerState);
    this.player.on('error', (error) => {
      if (this.current) this.current.error ??= error;
    });
    connection.subscribe(this.player);
    connection.on('stateChange', this.onConnectionState);
    this.untrackFrames = ops?.frames.track(guildId, { sample: () => this.frameSample() });
  }

  /** What the frame monitor compares with wall-clock time (see FrameProbe). */
  private frameSample(): FrameSample | undefined {
    const state = this.player.state;
    // Going Idle, the player has dropped the resource but this link still holds the track that just ended.
    const resource = state.status === AudioPlayerStatus.Idle ? this.current?.resource : state.resource;
    if (!resource) return undefined;
    const filler = 'playbackDuration' in state ? state.playbackDuration - resource.playbackDuration : 0;
    return {
      resource,
      playing: state.status === AudioPlayerStatus.Playing,
      playedMs: resource.playbackDuration,
      fillerMs: filler,
    };
  }

  channelId(): string {
    return this.connection.joinConfig.channelId ?? this.lastChannelId;
  }

  play(audio: PreparedAudio): void {
    this.releaseCurrent();
    this.start(audio, trackResource(audio));
  }

  crossfade(next: PreparedAudio, fadeMs: number, released: () => void): boolean {
    const playing = this.current;
    if (!this.mix || !playing || this.player.state.status !== AudioPlayerStatus.Playing) return false;
    let open = true;
    const releaseOutgoing = () => {
      if (!open) return;
      open = false;
      playing.audio.dispose();
      released();
    };
    const frames = Math.max(1, Math.round(fadeMs / 20));
    const mixed = crossfadeResource(this.mix, playing, next, frames, releaseOutgoing);
    if (!mixed) return false;
    // The outgoing track lives on inside the mix (released by it); the track it was fading in from, if any, goes.
    playing.releaseOutgoing?.();
    this.start(next, mixed, releaseOutgoing);
    return true;
  }

  private start(audio: PreparedAudio, track: TrackResource, releaseOutgoing?: () => void): void {
    const current: NonNullable<DiscordVoiceLink['current']> = {
      ...track,
      audio,
      ...(releaseOutgoing ? { releaseOutgoing } : {}),
    };
    audio.stream.on('error', (error: Error) => {
      current.streamError ??= error;
    });
    this.current = current;
    this.player.play(track.resource);
  }

  stop(): boolean {
    this.stopping = true;
    try {
      return this.player.stop(true);
    } finally {
      this.stopping = false;
    }
  }

  pause(): boolean {
    return this.player.pause(true);
  }

  resume(): boolean {
    return this.player.unpause();
  }

  /** In-process the session's next `play` lands within the same 20 ms cycle, so there is nothing to adopt. */
  adopt(): boolean {
    return false;
  }

  withdraw(): void {
    // nothing was handed over ahead
  }

  seamless(): void {
    // silencePaddingFrames is read when the stream ends; it is a plain field at run time.
    if (this.current) (this.current.resource as { silencePaddingFrames: number }).silencePaddingFrames = 0;
  }

  playbackMs(): number {
    return this.current?.resource.playbackDuration ?? this.releasedAtMs;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.untrackFrames?.();
    this.connection.off('stateChange', this.onConnectionState);
    this.player.off('stateChange', this.onPlayerState);
    this.player.stop(true);
    this.releaseCurrent();
    if (this.connection.state.status !== VoiceConnectionStatus.Destroyed) this.connection.destroy();
    this.removeAllListeners();
  }

  private releaseCurrent(): void {
    this.releasedAtMs = this.current?.resource.playbackDuration ?? 0;
    this.current?.releaseOutgoing?.();
    this.current?.audio.dispose();
    this.current = undefined;
  }

  private readonly onPlayerState = (oldState: AudioPlayerState, newState: AudioPlayerState): void => {
    if (newState.status !== AudioPlayerStatus.Idle || oldState.status === AudioPlayerStatus.Idle) return;
    const current = this.current;
    const error =
      current?.streamError ??
      current?.error ??
      (current && !this.stopping ? this.stalled(current.resource) : undefined);
    this.releaseCurrent();
    this.emit('idle', error);
  };

  /**
   * The player gave up on a source that sent nothing for MAX_MISSED_FRAMES (it stops itself, so the track
   * goes Idle although its stream never ended): without an error here the session would treat a stalled
   * source as a finished track, skipping the rest of it silently and never retrying it.
   */
  private stalled(resource: AudioResource): Error | undefined {
    // Only `readableEnded` tells: the player has already destroyed the stream by the time Idle is announced.
    if (resource.playStream.readableEnded) return undefined;
    return new UserError('STREAM_STALLED');
  }

  private readonly onConnectionState = (_old: VoiceConnectionState, state: VoiceConnectionState): void => {
    const channelId = this.connection.joinConfig.channelId;
    if (channelId && channelId !== this.lastChannelId) {
      this.lastChannelId = channelId;
      this.emit('moved', channelId);
    }
    if (state.status === VoiceConnectionStatus.Destroyed && !this.destroyed) this.end('disconnected');
    if (state.status === VoiceConnectionStatus.Disconnected) void this.recover(state);
  };

  /** The @discordjs/voice reconnection recipe: 4014 may be a move, anything else gets a few rejoins. */
  private async recover(state: VoiceConnectionState & { status: VoiceConnectionStatus.Disconnected }): Promise<void> {
    const kicked = state.reason === VoiceConnectionDisconnectReason.WebSocketClose && state.closeCode === 4014;
    if (kicked) {
      try {
        await entersState(this.connection, VoiceConnectionStatus.Connecting, MOVE_GRACE_MS);
      } catch {
        this.end('kicked');
      }
      return;
    }
    if (state.reason === VoiceConnectionDisconnectReason.Manual) return;
    if (this.connection.rejoinAttempts < MAX_REJOINS) {
      await new Promise((resolve) => setTimeout(resolve, (this.connection.rejoinAttempts + 1) * 1000));
      if (!this.destroyed && this.connection.state.status === VoiceConnectionStatus.Disconnected) {
        this.logger.info({ attempt: this.connection.rejoinAttempts + 1 }, 'rejoining voice');
        this.ops?.metrics.voiceReconnect();
        this.connection.rejoin();
      }
      return;
    }
    this.end('disconnected');
  }

  private end(reason: 'kicked' | 'disconnected'): void {
    if (this.destroyed) return;
    this.logger.info({ reason }, 'voice link gone');
    const listeners = this.listeners('gone');
    this.destroy();
    for (const listener of listeners) listener(reason);
  }
}
