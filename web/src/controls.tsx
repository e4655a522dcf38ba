import { useEffect, useState } from 'preact/hooks';
import { NextIcon, PauseIcon, PlayIcon, PreviousIcon } from './icons.js';
import { FILTERS, LOOP_MODES, type Player } from './types.js';

export interface ControlActions {
  control(action: 'pause' | 'resume' | 'skip' | 'previous'): void;
  volume(percent: number): void;
  loop(mode: string): void;
  filter(preset: string): void;
}

interface Props {
  readonly player: Player | null;
  readonly actions: ControlActions;
}

/** Previous, pause/resume, skip; volume, loop and filter. Every control is a labelled native element. */
export function Controls({ player, actions }: Props) {
  const paused = player?.status === 'paused';
  const idle = !player || player.status === 'idle';
  return (
    <section class="card controls" aria-label="Player controls">
      <div class="transport">
        <button
          type="button"
          data-testid="btn-previous"
          aria-label="Previous track"
          onClick={() => actions.control('previous')}
        >
          <PreviousIcon />
        </button>
        {paused ? (
          <button
            type="button"
            class="primary"
            data-testid="btn-resume"
            aria-label="Resume"
            onClick={() => actions.control('resume')}
          >
            <PlayIcon />
          </button>
        ) : (
          <button
            type="button"
            class="primary"
            data-testid="btn-pause"
            aria-label="Pause"
            disabled={idle}
            onClick={() => actions.control('pause')}
          >
            <PauseIcon />
          </button>
        )}
        <button type="button" data-testid="btn-skip" aria-label="Skip" onClick={() => actions.control('skip')}>
          <NextIcon />
        </button>
      </div>
      <div class="settings-row">
        <Volume value={player?.volume ?? 100} onCommit={actions.volume} />
        <label class="field">
          <span>Loop</span>
          <select
            data-testid="loop"
            value={player?.loop ?? 'off'}
            onChange={(e) => actions.loop(e.currentTarget.value)}
          >
            {LOOP_MODES.map((mode) => (
              <option key={mode} value={mode}>
                {mode}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>Filter</span>
          <select
            data-testid="filter"
            value={player?.filter ?? 'off'}
            onChange={(e) => actions.filter(e.currentTarget.value)}
          >
            {FILTERS.map((preset) => (
              <option key={preset} value={preset}>
                {preset}
              </option>
            ))}
          </select>
        </label>
      </div>
    </section>
  );
}

/** A 0-200 % slider: moves freely, sends the value once it is let go (change, not input). */
function Volume({ value, onCommit }: { value: number; onCommit: (percent: number) => void }) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  return (
    <label class="field volume">
      <span>Volume {draft}%</span>
      <input
        type="range"
        min={0}
        max={200}
        step={5}
        value={draft}
        data-testid="volume"
        onInput={(e) => setDraft(Number(e.currentTarget.value))}
        onChange={(e) => onCommit(Number(e.currentTarget.value))}
      />
    </label>
  );
}
