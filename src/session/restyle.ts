import type { QueuedTrack } from '../core/track.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { PreparedAudio } from '../ports/voice.js';
import type { SerialRunner } from './serial.js';
import type { ActiveState, SessionState } from './session-state.js';
import type { LoadOptions, TrackLoader } from './track-loader.js';

/** How far ahead (playback ms) a restyled stream is opened: time to reopen the source and start ffmpeg. */
const RESTYLE_LEAD_MS = 500;

export interface RestylerDeps {
  readonly loader: TrackLoader;
  readonly serial: SerialRunner;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly state: () => SessionState;
  readonly elapsedMs: () => number;
  readonly loadOptions: (entry: QueuedTrack, startMs: number, signal: AbortSignal) => LoadOptions;
  /** Makes `audio` the playing stream at `options.startMs` (serial). */
  readonly commit: (entry: QueuedTrack, abort: AbortController, audio: PreparedAudio, options: LoadOptions) => void;
}

/**
 * Reopens the playing track with new sound settings without stopping it: a second stream opens a little
 * ahead of the current position while the old one plays on, and takes over when playback reaches that point
 * (at once if it opened late), so the change is heard within about a second, with no gap, and the position
 * carries on. Only the latest restyle may take over; a start, stop or newer restyle cancels it.
 */
export class Restyler {
  private pending: AbortController | undefined;

  constructor(private readonly deps: RestylerDeps) {}

  begin(state: Extract<SessionState, { status: 'playing' }>): void {
    const at = Math.round(this.deps.elapsedMs() + RESTYLE_LEAD_MS * (state.speed ?? 1));
    if (state.entry.durationMs !== null && at >= state.entry.durationMs) return; // the next track gets the new style
    this.cancel();
    const abort = new AbortController();
    this.pending = abort;
    const options = this.deps.loadOptions(state.entry, at, abort.signal);
    this.deps.loader.load(state.entry, options).then(
      (audio) => this.deps.serial.run(() => this.takeOver(state, abort, audio, options)),
      (error: unknown) => {
        if (this.pending === abort) this.pending = undefined;
        this.deps.logger.info(
          { err: error, track: state.entry.id },
          'could not reopen the track restyled; it plays on as it was',
        );
      },
    );
  }

  cancel(): void {
    this.pending?.abort();
    this.pending = undefined;
  }

  /** The new stream replaces the playing one once playback reaches its start; serial. */
  private takeOver(was: ActiveState, abort: AbortController, audio: PreparedAudio, options: LoadOptions): void {
    const now = this.deps.state();
    if (this.pending !== abort || now.status !== 'playing' || now.abort !== was.abort) {
      audio.dispose();
      abort.abort();
      return;
    }
    const waitMs = (options.startMs - this.deps.elapsedMs()) / (now.speed ?? 1);
    if (waitMs > 10) {
      this.deps.clock.setTimeout(
        () => void this.deps.serial.run(() => this.takeOver(was, abort, audio, options)),
        waitMs,
      );
      return;
    }
    this.pending = undefined;
    this.deps.commit(now.entry, abort, audio, options);
    this.deps.logger.debug(
      { track: now.entry.id, pipeline: audio.pipeline, offsetMs: options.startMs, lateMs: -waitMs },
      'track restyled',
    );
  }
}
