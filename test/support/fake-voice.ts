import { EventEmitter } from 'node:events';
import type { PreparedAudio, VoiceLink, VoiceLinkEvents } from '../../src/ports/voice.js';
import type { LoadOptions, TrackLoader } from '../../src/session/track-loader.js';
import type { Track } from '../../src/core/track.js';
import { PassThrough } from 'node:stream';
import { Queue } from '../../src/core/queue.js';
import type { Logger } from '../../src/ports/logger.js';
import { GuildSession } from '../../src/session/guild-session.js';
import type { SessionDeps } from '../../src/session/session-types.js';
import { FakeClock } from './fake-clock.js';

/** A VoiceLink that records what it was told to do; tests end tracks with `finish()`. */
export class FakeLink extends EventEmitter<VoiceLinkEvents> implements VoiceLink {
  readonly played: PreparedAudio[] = [];
  playing: PreparedAudio | undefined;
  paused = false;
  destroyed = false;
  position = 0;

  constructor(
    readonly guildId = 'g1',
    private channel = 'voice-1',
  ) {
    super();
  }

  channelId(): string {
    return this.channel;
  }

  play(audio: PreparedAudio): void {
    this.playing?.dispose();
    this.playing = audio;
    this.played.push(audio);
    this.paused = false;
    this.position = 0;
  }

  stop(): boolean {
    if (!this.playing) return false;
    this.playing.dispose();
    this.playing = undefined;
    this.emit('idle');
    return true;
  }

  pause(): boolean {
    this.paused = true;
    return true;
  }

  resume(): boolean {
    this.paused = false;
    return true;
  }

  playbackMs(): number {
    return this.position;
  }

  seamlessCalls = 0;

  adopt(): boolean {
    return false;
  }

  withdraw(): void {
    // the fake never takes audio ahead
  }

  seamless(): void {
    this.seamlessCalls += 1;
  }

  /** Crossfades asked for: the audio, the overlap, and the release callback (tests call it or not). */
  readonly crossfades: { audio: PreparedAudio; fadeMs: number; released: () => void }[] = [];
  /** Set false to make the link refuse crossfades. */
  canCrossfade = true;

  crossfade(audio: PreparedAudio, fadeMs: number, released: () => void): boolean {
    if (!this.canCrossfade || !this.playing || this.paused) return false;
    this.crossfades.push({ audio, fadeMs, released });
    this.playing = audio;
    this.played.push(audio);
    this.position = 0;
    return true;
  }

  /** The current audio ends by itself (optionally with an error) after `playedMs` (default: all of it). */
  finish(error?: Error, playedMs = Number.MAX_SAFE_INTEGER): void {
    this.position = playedMs;
    const audio = this.playing;
    this.playing = undefined;
    audio?.dispose();
    this.emit('idle', error);
  }

  destroy(): void {
    this.destroyed = true;
    this.playing?.dispose();
    this.playing = undefined;
  }
}

/** A loader whose results the test controls per track title. */
export class FakeLoader implements TrackLoader {
  readonly loads: { track: Track; options: LoadOptions }[] = [];
  failing = new Map<string, Error>();
  delays = new Map<string, Promise<void>>();

  async load(track: Track, options: LoadOptions): Promise<PreparedAudio> {
    this.loads.push({ track, options });
    await this.delays.get(track.title);
    const failure = this.failing.get(track.title);
    if (failure) throw failure;
    options.signal.throwIfAborted();
    const stream = new PassThrough();
    return {
      stream,
      container: 'ogg-opus',
      pipeline: 'passthrough',
      dispose: () => stream.destroy(),
      title: track.title,
    } as PreparedAudio & { title: string };
  }
}

export const track = (title: string, durationMs: number | null = 60_000): Track => ({
  id: `http:https://example.com/${encodeURIComponent(title)}`,
  source: 'http',
  title,
  url: `https://example.com/${encodeURIComponent(title)}`,
  durationMs,
});

/**
 * A GuildSession on fakes: a manual clock (starting at `start`), a FakeLink, a FakeLoader, an empty queue, and a
 * notifier that records what the session posts. `extra` adds or overrides session deps (a crossfade setting, a
 * looping queue, …).
 */
export function fakeSession(extra: Partial<SessionDeps> = {}, start = 1000) {
  const clock = new FakeClock(start);
  const link = new FakeLink();
  const loader = new FakeLoader();
  const sent: string[] = [];
  const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
  const session = new GuildSession({
    guildId: 'g1',
    link,
    loader,
    clock,
    logger: silent,
    textChannelId: 'text-1',
    queue: new Queue(),
    notifier: { send: async (_channel, content) => void sent.push(content) },
    ...extra,
  });
  return { clock, link, loader, sent, session, queue: session.queue };
}
