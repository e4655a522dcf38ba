import { useEffect, useRef, useState } from 'preact/hooks';
import { formatTime } from './progress.js';
import { dropIndex } from './reorder.js';
import type { Track } from './types.js';

export interface QueueActions {
  move(entryId: number, toIndex: number): void;
  remove(entryId: number): void;
  clear(): void;
  shuffle(): void;
}

interface Props {
  readonly tracks: readonly Track[];
  readonly actions: QueueActions;
}

interface Drag {
  readonly from: number;
  readonly to: number;
  readonly startY: number;
  readonly dy: number;
  readonly middles: readonly number[];
}

/**
 * Pointer-driven reorder (mouse, pen and touch alike): the item follows the pointer, a line marks where it
 * lands. The drag lives in a ref as well as in state: pointer events can arrive faster than renders.
 */
function useDrag(tracks: readonly Track[], list: { current: HTMLOListElement | null }, onMove: QueueActions['move']) {
  const [drag, setDragState] = useState<Drag | null>(null);
  const current = useRef<Drag | null>(null);
  const setDrag = (next: Drag | null) => {
    current.current = next;
    setDragState(next);
  };
  const start = (index: number, event: PointerEvent) => {
    if (event.button !== 0) return;
    event.preventDefault();
    (event.currentTarget as HTMLElement).setPointerCapture(event.pointerId);
    const items = Array.from(list.current?.children ?? []) as HTMLElement[];
    const middles = items
      .filter((_, i) => i !== index)
      .map((el) => {
        const r = el.getBoundingClientRect();
        return r.top + r.height / 2;
      });
    setDrag({ from: index, to: index, startY: event.clientY, dy: 0, middles });
  };
  const move = (event: PointerEvent) => {
    const d = current.current;
    if (d) setDrag({ ...d, to: dropIndex(d.middles, event.clientY), dy: event.clientY - d.startY });
  };
  const end = (event: PointerEvent) => {
    const d = current.current;
    if (!d) return;
    const to = event.type === 'pointerup' ? dropIndex(d.middles, event.clientY) : d.from;
    const track = tracks[d.from];
    setDrag(null);
    if (track && to !== d.from) onMove(track.entryId, to);
  };
  return { drag, start, move, end };
}

function dropClass(drag: Drag | null, index: number): string {
  if (!drag || drag.to === drag.from || index !== drag.to) return '';
  return drag.to < drag.from ? ' drop-before' : ' drop-after';
}

/** The upcoming queue: drag the handle, or use the move buttons; remove one, clear, shuffle. */
export function QueueList({ tracks, actions }: Props) {
  const list = useRef<HTMLOListElement>(null);
  const drag = useDrag(tracks, list, actions.move);
  const [focusKey, setFocusKey] = useState('');
  useEffect(() => {
    if (!focusKey) return;
    list.current?.querySelector<HTMLElement>(`[data-focus-key="${focusKey}"]`)?.focus();
    setFocusKey('');
  }, [tracks, focusKey]);
  const shift = (track: Track, index: number, by: -1 | 1) => {
    setFocusKey(`${track.entryId}:${by}`);
    actions.move(track.entryId, index + by);
  };
  return (
    <section class="card queue" aria-labelledby="queue-heading">
      <div class="card-head">
        <h2 id="queue-heading">Up next ({tracks.length})</h2>
        <div class="row">
          <button type="button" data-testid="btn-shuffle" onClick={actions.shuffle} disabled={tracks.length < 2}>
            Shuffle
          </button>
          <button type="button" data-testid="btn-clear" onClick={actions.clear} disabled={tracks.length === 0}>
            Clear
          </button>
        </div>
      </div>
      {tracks.length === 0 ? <p class="muted">The queue is empty. Search below to add something.</p> : null}
      <ol class="queue-list" data-testid="queue" ref={list}>
        {tracks.map((track, index) => (
          <QueueItem
            key={track.entryId}
            {...{ track, index, drag, shift }}
            last={index === tracks.length - 1}
            onRemove={actions.remove}
          />
        ))}
      </ol>
    </section>
  );
}

interface ItemProps {
  readonly track: Track;
  readonly index: number;
  readonly last: boolean;
  readonly drag: ReturnType<typeof useDrag>;
  readonly shift: (track: Track, index: number, by: -1 | 1) => void;
  readonly onRemove: (entryId: number) => void;
}

function QueueItem({ track, index, last, drag, shift, onRemove }: ItemProps) {
  const dragging = drag.drag?.from === index;
  return (
    <li
      data-testid={`queue-item-${track.entryId}`}
      class={`queue-item${dragging ? ' dragging' : ''}${dropClass(drag.drag, index)}`}
      style={dragging ? { transform: `translateY(${drag.drag?.dy ?? 0}px)` } : undefined}
    >
      <span
        class="handle"
        aria-hidden="true"
        title="Drag to reorder"
        onPointerDown={(e) => drag.start(index, e)}
        onPointerMove={drag.move}
        onPointerUp={drag.end}
        onPointerCancel={drag.end}
      >
        ⠿
      </span>
      <span class="position">{index + 1}</span>
      <span class="queue-text">
        <span class="queue-title">{track.title}</span>
        <span class="muted small">
          {formatTime(track.durationMs)}
          {track.requestedBy ? ` · ${track.requestedBy}` : ''}
        </span>
      </span>
      <ItemButtons {...{ track, index, last, shift, onRemove }} />
    </li>
  );
}

/** The keyboard's way to reorder (and the way to remove): move up, move down, remove. */
function ItemButtons({ track, index, last, shift, onRemove }: Omit<ItemProps, 'drag'>) {
  const { entryId, title } = track;
  return (
    <span class="row item-buttons">
      <button
        type="button"
        data-focus-key={`${entryId}:-1`}
        aria-label={`Move ${title} up`}
        disabled={index === 0}
        onClick={() => shift(track, index, -1)}
      >
        ↑
      </button>
      <button
        type="button"
        data-focus-key={`${entryId}:1`}
        aria-label={`Move ${title} down`}
        disabled={last}
        onClick={() => shift(track, index, 1)}
      >
        ↓
      </button>
      <button type="button" aria-label={`Remove ${title}`} onClick={() => onRemove(entryId)}>
        ✕
      </button>
    </span>
  );
}
