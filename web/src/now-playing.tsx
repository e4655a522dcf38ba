import { allowedImage } from './message-text.js';
import { ProgressBar } from './progress-bar.js';
import type { Player } from './types.js';

interface Props {
  readonly player: Player | null;
  readonly playerAt: number;
  readonly onSeek: (positionMs: number) => void;
}

const STATUS: Record<Player['status'], string> = {
  idle: 'Nothing playing',
  loading: 'Loading…',
  playing: 'Playing',
  paused: 'Paused',
};

/** Artwork, title (linked to its page), requester and the live progress bar of the current track. */
export function NowPlaying({ player, playerAt, onSeek }: Props) {
  const track = player?.track ?? null;
  return (
    <section class="card now-playing" aria-labelledby="now-heading">
      <h2 id="now-heading" class="eyebrow">
        {player ? STATUS[player.status] : 'Loading…'}
      </h2>
      <div class="now-body">
        {allowedImage(track?.artworkUrl) ? (
          <img class="artwork" src={allowedImage(track?.artworkUrl) ?? ''} alt="" width={120} height={120} />
        ) : (
          <div class="artwork placeholder" aria-hidden="true">
            ♪
          </div>
        )}
        <div class="now-text">
          <p class="now-title" data-testid="now-title">
            {track ? (
              track.url ? (
                <a href={track.url} target="_blank" rel="noopener noreferrer">
                  {track.title}
                </a>
              ) : (
                track.title
              )
            ) : (
              'Nothing playing'
            )}
          </p>
          {track?.requestedBy ? <p class="muted">Requested by {track.requestedBy}</p> : null}
          {track ? <p class="muted">{track.source}</p> : null}
        </div>
      </div>
      {player && track ? <ProgressBar player={player} playerAt={playerAt} onSeek={onSeek} /> : null}
    </section>
  );
}
