import { useEffect, useState } from 'preact/hooks';
import { api, type ApiError } from './api.js';
import type { Player, Track } from './types.js';

export interface GuildState {
  readonly player: Player | null;
  /** performance.now() when `player` arrived: the origin of the progress bar's interpolation. */
  readonly playerAt: number;
  readonly queue: readonly Track[];
  /** Replaces the queue at once (an optimistic reorder), until the server's next `queue` event. */
  setQueue(tracks: readonly Track[]): void;
  /** Fetches player and queue again (after a failed optimistic change). */
  refresh(): void;
}

type Fail = (error: ApiError) => void;

/**
 * The live state of one guild: fetched once, then kept current by the server-sent events stream
 * (`player` and `queue` events, each carrying the whole body of its GET endpoint).
 */
export function useGuildState(guildId: string, onError: Fail): GuildState {
  const [player, setPlayer] = useState<{ player: Player | null; at: number }>({ player: null, at: 0 });
  const [queue, setQueue] = useState<readonly Track[]>([]);
  const [tick, setTick] = useState(0);
  const applyPlayer = (p: Player) => setPlayer({ player: p, at: performance.now() });

  useEffect(() => {
    let live = true;
    api.player(guildId).then((p) => live && applyPlayer(p), onError);
    api.queue(guildId).then((q) => live && setQueue(q.tracks), onError);
    return () => {
      live = false;
    };
  }, [guildId, tick]);

  useEffect(() => subscribe(guildId, applyPlayer, setQueue), [guildId]);

  return {
    player: player.player,
    playerAt: player.at,
    queue,
    setQueue,
    refresh: () => setTick((t) => t + 1),
  };
}

/** Opens the event stream; the returned function closes it. EventSource reconnects by itself. */
function subscribe(guildId: string, onPlayer: (p: Player) => void, onQueue: (q: readonly Track[]) => void) {
  const source = new EventSource(api.eventsUrl(guildId));
  source.addEventListener('player', (event) => {
    const player = parse<Player>(event);
    if (player) onPlayer(player);
  });
  source.addEventListener('queue', (event) => {
    const queue = parse<{ tracks: Track[] }>(event);
    if (queue) onQueue(queue.tracks);
  });
  return () => source.close();
}

function parse<T>(event: Event): T | undefined {
  try {
    return JSON.parse((event as MessageEvent<string>).data) as T;
  } catch {
    return undefined;
  }
}
