import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../../app/context';
import { totalSeconds } from '../../stores/project-edits';
import { canRedo, canUndo, shotIds } from '../../stores/project-selectors';
import { AudioControls, AudioTrack } from './AudioTrack';
import { createReorderDrag, type DropMarker } from './block-drag';
import { focusShotBlock } from './focus';
import { ShotBlock } from './ShotBlock';

const ZOOM = { min: 16, max: 256, initial: 64 };

function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  return m > 0 ? `${m} min ${s.toFixed(1)} s` : `${s.toFixed(1)} s`;
}

/** The toolbar's buttons: each acts on the store, each is disabled when it has nothing to act on. */
function TimelineToolbar({ pxPerSecond, setPxPerSecond }: { pxPerSecond: number; setPxPerSecond(value: number): void }) {
  const { stores } = useStudio();
  const selected = useStore(stores.project, (s) => s.selection.length);
  const undoable = useStore(stores.project, canUndo);
  const redoable = useStore(stores.project, canRedo);
  const total = useStore(stores.project, (s) => (s.doc === null ? 0 : totalSeconds(s.doc)));
  const count = useStore(stores.project, (s) => s.doc?.shots.length ?? 0);
  const project = stores.project.getState;
  return (
    <div className="toolbar" role="toolbar" aria-label="Timeline tools">
      <button
        type="button"
        className="primary"
        onClick={() => {
          const id = project().addShot();
          if (id !== null) focusShotBlock(id, { keepFocus: true });
        }}
      >
        Add shot
      </button>
      <button type="button" disabled={selected === 0} onClick={() => project().duplicateSelected()}>
        Duplicate
      </button>
      <button type="button" disabled={selected === 0} onClick={() => project().deleteSelected()}>
        Delete
      </button>
      <span className="separator" />
      <button type="button" disabled={!undoable} onClick={() => project().undo()} title="Ctrl+Z">
        Undo
      </button>
      <button type="button" disabled={!redoable} onClick={() => project().redo()} title="Ctrl+Shift+Z or Ctrl+Y">
        Redo
      </button>
      <span className="separator" />
      <label className="zoom">
        Zoom
        <input type="range" min={ZOOM.min} max={ZOOM.max} step={8} value={pxPerSecond} onChange={(e) => setPxPerSecond(Number(e.target.value))} />
      </label>
      <span className="muted total" aria-live="polite">
        {count} {count === 1 ? 'shot' : 'shots'}, {formatDuration(total)}
      </span>
    </div>
  );
}

/**
 * The timeline: shots as blocks sized by their length, reordered by dragging or with Alt+Left/Right,
 * selected by click (Shift: range, Ctrl: add), walked with the arrow keys; the audio track below.
 */
export function Timeline() {
  const { stores } = useStudio();
  const ids = useStore(stores.project, useShallow(shotIds));
  const [pxPerSecond, setPxPerSecond] = useState(ZOOM.initial);
  const [drop, setDrop] = useState<DropMarker | null>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const drag = useMemo(
    () =>
      createReorderDrag(() => listRef.current, {
        movingIds: (id) => {
          const { selection } = stores.project.getState();
          return selection.includes(id) ? selection : [id];
        },
        move: (moving, toIndex) => stores.project.getState().moveShots(moving, toIndex),
        showDrop: setDrop,
      }),
    [stores.project],
  );

  function onKeyDown(event: KeyboardEvent<HTMLOListElement>): void {
    const target = event.target as HTMLElement;
    const id = target.dataset.shotId;
    if (id === undefined || event.altKey) return;
    const state = stores.project.getState();
    const index = ids.indexOf(id);
    let next: string | undefined;
    if (event.key === 'ArrowLeft') next = ids[index - 1];
    else if (event.key === 'ArrowRight') next = ids[index + 1];
    else if (event.key === 'Home') next = ids[0];
    else if (event.key === 'End') next = ids[ids.length - 1];
    else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      state.select(id, event.shiftKey ? 'range' : event.ctrlKey || event.metaKey ? 'toggle' : 'only');
      return;
    } else if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'a') {
      event.preventDefault();
      state.selectAll();
      return;
    } else return;
    event.preventDefault();
    if (next === undefined) return;
    state.select(next, event.shiftKey ? 'range' : 'only');
    focusShotBlock(next);
  }

  return (
    <section className="panel timeline-panel" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <TimelineToolbar pxPerSecond={pxPerSecond} setPxPerSecond={setPxPerSecond} />
      <div className="timeline-scroll">
        <div className="track-row">
          <span className="track-label" aria-hidden="true">
            Video
          </span>
          <div className="track-lane">
            <ol ref={listRef} className="shots" aria-label="Timeline" onKeyDown={onKeyDown}>
              {ids.map((id, index) => (
                <ShotBlock key={id} id={id} index={index} pxPerSecond={pxPerSecond} drag={drag} />
              ))}
            </ol>
            {drop !== null ? <span className="drop-marker" style={{ left: drop.x }} aria-hidden="true" /> : null}
            {ids.length === 0 ? <p className="muted empty">No shots yet: add one to start.</p> : null}
          </div>
        </div>
        <AudioTrack pxPerSecond={pxPerSecond} />
      </div>
      <AudioControls />
      <p className="muted keys">Click to select, Shift+click for a range, Ctrl+click to add. Drag blocks, or Alt+Left/Right, to reorder; drag the edges of a selected block to trim. Delete removes the selection.</p>
    </section>
  );
}
