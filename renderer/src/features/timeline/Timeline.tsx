import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import { useStudio } from '../../app/context';
import { totalSeconds, visibleFrames } from '../../stores/project-edits';
import type { ProjectStore } from '../../stores/project';
import { canRedo, canUndo, shotIds } from '../../stores/project-selectors';
import { AudioControls, AudioTrack } from './AudioTrack';
import { createReorderDrag, type DropMarker } from './block-drag';
import { focusShotBlock } from './focus';
import { ShotBlock } from './ShotBlock';
import { blockLefts, blockWidth, drawnIndexes, gapBetween, renderWindow } from './timeline-geometry';

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
 * The shot ids in timeline order, as the same array for as long as the ids are the same: a
 * keystroke in a prompt changes the document, and with 500 shots a new array (and a shallow
 * compare that copies both into Maps) at every change is measurable (npm run bench:ui).
 */
function useStableShotIds(project: StoreApi<ProjectStore>): readonly string[] {
  const last = useRef<readonly string[]>([]);
  const select = useCallback((s: ProjectStore): readonly string[] => {
    const shots = s.doc?.shots ?? [];
    const held = last.current;
    if (shots.length === held.length && shots.every((shot, i) => shot.id === held[i])) return held;
    last.current = shotIds(s);
    return last.current;
  }, []);
  return useStore(project, select);
}

/** Timelines longer than this render only the blocks near the visible part (npm run bench:ui). */
const WINDOW_ABOVE = 100;
/** Blocks rendered beyond each side of the visible part. */
const OVERSCAN_PX = 1200;
/** The visible span is tracked in steps of this: scrolling re-renders the list now and then, not every frame. */
const SPAN_STEP_PX = 400;

/** The trimmed length of each shot, as the same array while the lengths stay the same. */
function useStableLengths(project: StoreApi<ProjectStore>): readonly number[] {
  const last = useRef<readonly number[]>([]);
  const select = useCallback((s: ProjectStore): readonly number[] => {
    const shots = s.doc?.shots ?? [];
    const held = last.current;
    if (shots.length === held.length && shots.every((shot, i) => visibleFrames(shot) === held[i])) return held;
    last.current = shots.map(visibleFrames);
    return last.current;
  }, []);
  return useStore(project, select);
}

/** The part of the list the scroller shows, in px from the list's left edge, in SPAN_STEP_PX steps. */
function useVisibleSpan(scrollRef: RefObject<HTMLDivElement | null>, listRef: RefObject<HTMLOListElement | null>, enabled: boolean): { left: number; width: number } {
  const [span, setSpan] = useState({ left: 0, width: 2 * OVERSCAN_PX });
  useEffect(() => {
    const scroller = scrollRef.current;
    const list = listRef.current;
    if (!enabled || scroller === null || list === null) return;
    let frame = 0;
    const measure = (): void => {
      frame = 0;
      const visibleLeft = scroller.getBoundingClientRect().left + scroller.clientLeft - list.getBoundingClientRect().left;
      const left = Math.floor(visibleLeft / SPAN_STEP_PX) * SPAN_STEP_PX;
      const width = (Math.ceil(scroller.clientWidth / SPAN_STEP_PX) + 1) * SPAN_STEP_PX;
      setSpan((held) => (held.left === left && held.width === width ? held : { left, width }));
    };
    const onChange = (): void => {
      if (frame === 0) frame = requestAnimationFrame(measure);
    };
    measure();
    scroller.addEventListener('scroll', onChange, { passive: true });
    const resize = new ResizeObserver(onChange);
    resize.observe(scroller);
    return () => {
      scroller.removeEventListener('scroll', onChange);
      resize.disconnect();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [scrollRef, listRef, enabled]);
  return span;
}

/**
 * The timeline: shots as blocks sized by their length, reordered by dragging or with Alt+Left/Right,
 * selected by click (Shift: range, Ctrl: add), walked with the arrow keys; the audio track below.
 */
export function Timeline() {
  const { stores } = useStudio();
  const ids = useStableShotIds(stores.project);
  const [pxPerSecond, setPxPerSecond] = useState(ZOOM.initial);
  const [drop, setDrop] = useState<DropMarker | null>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  // A long timeline renders a window of its blocks: those near the visible part, and the one in focus.
  const windowed = ids.length > WINDOW_ABOVE;
  const lengths = useStableLengths(stores.project);
  const fps = useStore(stores.project, (s) => s.doc?.settings.fps ?? 8);
  const focusId = useStore(stores.project, (s) => s.focusId);
  const span = useVisibleSpan(scrollRef, listRef, windowed);
  const geometry = useMemo(() => blockLefts(windowed ? lengths.map((frames) => blockWidth(frames, fps, pxPerSecond)) : []), [windowed, lengths, fps, pxPerSecond]);
  const pinned = windowed && focusId !== null ? ids.indexOf(focusId) : -1;
  const { first, last } = windowed ? renderWindow(geometry.lefts, span.left, span.width, OVERSCAN_PX) : { first: 0, last: ids.length - 1 };
  // The blocks drawn, in order: the window, and the block in focus wherever it is (keyboard focus
  // must be able to reach it), placed at its own left edge by a gap before it or after it.
  const drawn = drawnIndexes(first, last, pinned);
  const drawnIds = useRef<readonly string[]>([]);
  drawnIds.current = drawn.map((i) => ids[i] ?? '');
  const drag = useMemo(
    () =>
      createReorderDrag(() => listRef.current, {
        movingIds: (id) => {
          const { selection } = stores.project.getState();
          return selection.includes(id) ? selection : [id];
        },
        move: (moving, dropAt) => {
          // The drop index counts the drawn blocks (a long timeline draws a window of them): the
          // shots land before the drawn block at that index, or after the last drawn one.
          const state = stores.project.getState();
          const staying = shotIds(state).filter((id) => !moving.includes(id));
          const drawnStaying = drawnIds.current.filter((id) => !moving.includes(id));
          const before = drawnStaying[dropAt];
          const lastDrawn = drawnStaying[drawnStaying.length - 1];
          const toIndex = before !== undefined ? staying.indexOf(before) : lastDrawn !== undefined ? staying.indexOf(lastDrawn) + 1 : staying.length;
          state.moveShots(moving, toIndex);
        },
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
      <div className="timeline-scroll" ref={scrollRef}>
        <div className="track-row">
          <span className="track-label" aria-hidden="true">
            Video
          </span>
          <div className="track-lane">
            <ol ref={listRef} className="shots" aria-label="Timeline" onKeyDown={onKeyDown} style={windowed ? { paddingLeft: geometry.lefts[drawn[0] ?? 0] ?? 0, width: geometry.total } : undefined}>
              {drawn.map((index, k) => {
                const id = ids[index] as string;
                const gap = windowed ? gapBetween(geometry.lefts, drawn[k - 1], index) : 0;
                return <ShotBlock key={id} id={id} index={index} pxPerSecond={pxPerSecond} drag={drag} gapBefore={gap} />;
              })}
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
