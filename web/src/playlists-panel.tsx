import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import type { Playlist } from './types.js';

interface Props {
  readonly guildId: string;
  readonly onPlay: (name: string) => void;
}

/** The member's saved playlists (from /playlist save), each with a Play button. */
export function PlaylistsPanel({ guildId, onPlay }: Props) {
  const [playlists, setPlaylists] = useState<readonly Playlist[] | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    api.playlists(guildId).then(
      (body) => live && setPlaylists(body.playlists),
      () => live && setPlaylists([]),
    );
    return () => {
      live = false;
    };
  }, [guildId, tick]);
  return (
    <section class="card" aria-labelledby="playlists-heading">
      <div class="card-head">
        <h2 id="playlists-heading">Your playlists</h2>
        <button type="button" onClick={() => setTick((t) => t + 1)}>
          Refresh
        </button>
      </div>
      {playlists === null ? <p class="muted">Loading…</p> : null}
      {playlists?.length === 0 ? <p class="muted">None yet: save one with /playlist save in Discord.</p> : null}
      <ul class="plain-list" data-testid="playlists">
        {(playlists ?? []).map((p) => (
          <li key={p.name} class="list-row">
            <span>
              {p.name} <span class="muted small">({p.trackCount} tracks)</span>
            </span>
            <button type="button" aria-label={`Play playlist ${p.name}`} onClick={() => onPlay(p.name)}>
              Play
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
