import { createAudioResource, StreamType, type AudioResource } from '@discordjs/voice';
import { pipeline, type Readable } from 'node:stream';
import prism from 'prism-media';
import type { FrameCrossfade, PreparedAudio } from '../ports/voice.js';
import { FrameValve } from './frame-valve.js';

/** One track on the player: its resource, and (Opus sources) the valve a crossfade detaches its frames from. */
export interface TrackResource {
  readonly resource: AudioResource;
  readonly valve: FrameValve | undefined;
}

const noop = () => undefined;

/** The audio's Opus frames (object mode), demuxed as @discordjs/voice would (same prism demuxers). */
function demux(audio: PreparedAudio): Readable {
  const demuxer = audio.container === 'webm-opus' ? new prism.opus.WebmDemuxer() : new prism.opus.OggDemuxer();
  // As the library does: an error or destroy on either side ends both.
  return pipeline(audio.stream, demuxer, noop);
}

/** Opus frames behind a valve; PCM (the benchmark's baseline) is encoded by the library as before. */
export function trackResource(audio: PreparedAudio): TrackResource {
  if (audio.container === 'pcm') {
    const resource = createAudioResource(audio.stream, { inputType: StreamType.Raw, inlineVolume: true });
    resource.volume?.setVolume(audio.inlineVolume ?? 1);
    return { resource, valve: undefined };
  }
  return framesResource(demux(audio));
}

function framesResource(frames: Readable): TrackResource {
  const valve = new FrameValve(frames);
  return { resource: createAudioResource(valve, { inputType: StreamType.Opus }), valve };
}

/**
 * The resource that starts `next` as an overlap with what `playing` still has to play: `playing`'s frames are
 * detached from its valve (so the player's switch destroys only the valve) and mixed into `next`'s head.
 * Undefined when `playing` has nothing left to detach or `next` is PCM.
 */
export function crossfadeResource(
  mix: FrameCrossfade,
  playing: TrackResource,
  next: PreparedAudio,
  frames: number,
  onOutgoingDone: () => void,
): TrackResource | undefined {
  if (next.container === 'pcm') return undefined;
  const detached = playing.valve?.detach();
  if (!detached) return undefined;
  const mixed = mix(detached.source, demux(next), {
    frames,
    outgoingHead: detached.unplayed,
    preroll: detached.played,
    onOutgoingDone,
  });
  return framesResource(mixed);
}
