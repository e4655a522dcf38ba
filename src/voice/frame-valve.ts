import { Readable } from 'node:stream';

/** Frames remembered behind the valve: enough to warm a decoder up (Opus needs a frame or two). */
const PREROLL_FRAMES = 3;
/** Frames the valve buffers ahead of the player: small, so little is held when it is detached. */
const HIGH_WATER = 2;

/** What a detached valve hands over: the source and the frames it had taken off it but not yet played. */
export interface DetachedFrames {
  readonly source: Readable;
  /** Taken off the source but not played: they come first. */
  readonly unplayed: Buffer[];
  /** The last frames played, for a decoder's pre-roll. */
  readonly played: Buffer[];
}

/**
 * An Opus frame stream (object mode) between a track's demuxed frames and @discordjs/voice's AudioPlayer.
 * The player destroys a resource's stream when it switches to another resource; for a crossfade the outgoing
 * track must keep being read after that switch, so the player is given this valve instead of the frames
 * themselves. `detach` takes the source back (the player then destroys only the empty valve); until then
 * destroying the valve destroys the source, as before.
 */
export class FrameValve extends Readable {
  private source: Readable | undefined;
  private wanted = false;
  private readonly recent: Buffer[] = [];

  constructor(source: Readable) {
    super({ objectMode: true, highWaterMark: HIGH_WATER });
    this.source = source;
    source.on('readable', this.pump);
    source.on('end', this.onEnd);
    source.on('error', this.onError);
    source.on('close', this.onClose);
  }

  override _read(): void {
    this.wanted = true;
    this.pump();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const source = this.unhook();
    source?.destroy();
    callback(error);
  }

  /** Takes the source back with what the valve holds; undefined when it has ended or was destroyed. */
  detach(): DetachedFrames | undefined {
    const source = this.source;
    if (!source || source.destroyed || source.readableEnded || this.destroyed) return undefined;
    this.unhook();
    const unplayed: Buffer[] = [];
    for (let frame = this.read() as Buffer | null; frame !== null; frame = this.read() as Buffer | null)
      unplayed.push(frame);
    const played = this.recent.slice(0, Math.max(0, this.recent.length - unplayed.length)).slice(-PREROLL_FRAMES);
    return { source, unplayed, played };
  }

  private readonly pump = (): void => {
    const source = this.source;
    while (source && this.wanted) {
      const frame = source.read() as Buffer | null;
      if (frame === null) return;
      this.recent.push(frame);
      if (this.recent.length > PREROLL_FRAMES + HIGH_WATER + 1) this.recent.shift();
      this.wanted = this.push(frame);
    }
  };

  private readonly onEnd = (): void => {
    this.unhook();
    this.push(null);
  };

  private readonly onError = (error: Error): void => {
    this.destroy(error);
  };

  /** Destroyed without an end (released, cut): the valve goes with it, as the player's own stream would. */
  private readonly onClose = (): void => {
    if (this.source && !this.source.readableEnded) this.destroy();
  };

  private unhook(): Readable | undefined {
    const source = this.source;
    this.source = undefined;
    source?.off('readable', this.pump);
    source?.off('end', this.onEnd);
    source?.off('error', this.onError);
    source?.off('close', this.onClose);
    return source;
  }
}
