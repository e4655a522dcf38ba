import { useEffect, useState } from 'preact/hooks';
import { formatTime, positionAt, seekTarget } from './progress.js';
import type { Player } from './types.js';

interface Props {
  readonly player: Player;
  readonly playerAt: number;
  readonly onSeek: (positionMs: number) => void;
}

/** Redraws a few times a second while playing: the position between two server snapshots is interpolated. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(performance.now()), 250);
    return () => clearInterval(timer);
  }, [active]);
  return active ? now : performance.now();
}

/** The live progress bar: role=progressbar in whole seconds; a click (or tap) seeks there; ±10 s buttons. */
export function ProgressBar({ player, playerAt, onSeek }: Props) {
  const now = useNow(player.status === 'playing');
  const duration = player.track?.durationMs ?? null;
  const position = positionAt(player, playerAt, now);
  const percent = duration ? Math.min(100, (position / duration) * 100) : 0;
  const seekable = duration != null && duration > 0;
  const onClick = (event: MouseEvent) => {
    if (!seekable) return;
    const rect = (event.currentTarget as HTMLElement).getBoundingClientRect();
    onSeek(seekTarget(event.clientX, rect.left, rect.width, duration));
  };
  const by = (deltaMs: number) => onSeek(Math.max(0, Math.round(position + deltaMs)));
  return (
    <div class="progress-row">
      <span class="time">{formatTime(position)}</span>
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: the ±10 s buttons beside it are the keyboard's way to seek */}
      <div
        class={seekable ? 'progress seekable' : 'progress'}
        role="progressbar"
        data-testid="progress"
        aria-label="Track position"
        aria-valuemin={0}
        aria-valuemax={duration ? Math.round(duration / 1000) : 0}
        aria-valuenow={Math.floor(position / 1000)}
        aria-valuetext={`${formatTime(position)} of ${formatTime(duration)}`}
        title={seekable ? 'Click to seek' : undefined}
        onClick={onClick}
      >
        <div class="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <span class="time">{formatTime(duration)}</span>
      <SeekButtons disabled={!seekable} by={by} />
    </div>
  );
}

/** The keyboard's (and a small screen's) way to seek: ten seconds back or forward. */
function SeekButtons({ disabled, by }: { disabled: boolean; by: (deltaMs: number) => void }) {
  return (
    <div class="seek-buttons">
      <button type="button" aria-label="Back 10 seconds" disabled={disabled} onClick={() => by(-10_000)}>
        −10s
      </button>
      <button type="button" aria-label="Forward 10 seconds" disabled={disabled} onClick={() => by(10_000)}>
        +10s
      </button>
    </div>
  );
}
