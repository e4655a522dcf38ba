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
  return (
    <section class="card controls" aria-label="Player controls">
      <Transport player={player} control={actions.control} />
      <div class="settings-row">
        <Volume value={player?.volume ?? 100} onCommit={actions.volume} />
        <Choice label="Loop" testId="loop" value={player?.loop ?? 'off'} options={LOOP_MODES} onPick={actions.loop} />
        <Choice
          label="Filter"
          testId="filter"
          value={player?.filter ?? 'off'}
          options={FILTERS}
          onPick={actions.filter}
        />
      </div>
    </section>
  );
}

function Transport({ player, control }: { player: Player | null; control: ControlActions['control'] }) {
  const paused = player?.status === 'paused';
  const idle = !player || player.status === 'idle';
  return (
    <div class="transport">
      <button type="button" data-testid="btn-previous" aria-label="Previous track" onClick={() => control('previous')}>
        <PreviousIcon />
      </button>
      {paused ? (
        <button
          type="button"
          class="primary"
          data-testid="btn-resume"
          aria-label="Resume"
          onClick={() => control('resume')}
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
          onClick={() => control('pause')}
        >
          <PauseIcon />
        </button>
      )}
      <button type="button" data-testid="btn-skip" aria-label="Skip" onClick={() => control('skip')}>
        <NextIcon />
      </button>
    </div>
  );
}

interface ChoiceProps {
  readonly label: string;
  readonly testId: string;
  readonly value: string;
  readonly options: readonly string[];
  readonly onPick: (value: string) => void;
}

function Choice({ label, testId, value, options, onPick }: ChoiceProps) {
  return (
    <label class="field">
      <span>{label}</span>
      <select data-testid={testId} value={value} onChange={(e) => onPick(e.currentTarget.value)}>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </label>
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
