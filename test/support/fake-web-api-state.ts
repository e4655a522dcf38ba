/** The in-memory player behind the fake web API: a current track, an upcoming queue and the settings. */

export interface FakeTrack {
  entryId: number;
  title: string;
  url: string | null;
  artworkUrl: string | null;
  durationMs: number | null;
  requestedBy: string | null;
  source: string;
}

export interface FakePlayer {
  status: 'idle' | 'loading' | 'playing' | 'paused';
  track: FakeTrack | null;
  positionMs: number;
  volume: number;
  loop: 'off' | 'track' | 'queue';
  filter: string;
  voiceChannelId: string | null;
}

let nextEntry = 1;

/** A data: artwork (allowed by the CSP's img-src), so the page's artwork is shown without any network. */
const ARTWORK =
  'data:image/svg+xml,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8" fill="#e67e22"/></svg>',
  );

export function fakeTrack(title: string, durationMs: number | null = 180_000): FakeTrack {
  return {
    entryId: nextEntry++,
    title,
    url: `https://example.com/${encodeURIComponent(title)}`,
    artworkUrl: null,
    durationMs,
    requestedBy: 'alice',
    source: 'http',
  };
}

export class FakePlayerState {
  player: FakePlayer = {
    status: 'playing',
    track: { ...fakeTrack('Sine 440 Hz'), artworkUrl: ARTWORK },
    positionMs: 12_000,
    volume: 100,
    loop: 'off',
    filter: 'off',
    voiceChannelId: '2',
  };
  queue: FakeTrack[] = ['Sine 500 Hz', 'Sine 600 Hz', 'Sine 700 Hz', 'Sine 800 Hz'].map((t) => fakeTrack(t));
  private snapshotAt = Date.now();

  /** The player body with the position advanced to now while playing (the real server does the same). */
  body(): FakePlayer {
    const moving = this.player.status === 'playing' ? Date.now() - this.snapshotAt : 0;
    return { ...this.player, positionMs: this.player.positionMs + moving };
  }

  private settle(): void {
    this.player.positionMs = this.body().positionMs;
    this.snapshotAt = Date.now();
  }

  control(action: string): string {
    this.settle();
    if (action === 'pause') this.player.status = 'paused';
    if (action === 'resume') this.player.status = 'playing';
    if (action === 'skip' || action === 'previous') {
      this.player.track = this.queue.shift() ?? null;
      this.player.positionMs = 0;
      this.player.status = this.player.track ? 'playing' : 'idle';
    }
    return (
      { pause: 'Paused.', resume: 'Resumed.', skip: 'Skipped.', previous: 'Back to the previous track.' }[action] ?? ''
    );
  }

  seek(positionMs: number): void {
    this.player.positionMs = positionMs;
    this.snapshotAt = Date.now();
  }

  remove(entryId: number): void {
    this.queue = this.queue.filter((t) => t.entryId !== entryId);
  }

  move(entryId: number, toIndex: number): boolean {
    const from = this.queue.findIndex((t) => t.entryId === entryId);
    if (from < 0) return false;
    const [track] = this.queue.splice(from, 1);
    this.queue.splice(toIndex, 0, track!);
    return true;
  }
}
