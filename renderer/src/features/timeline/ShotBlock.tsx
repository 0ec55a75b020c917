import { memo, useEffect, useRef, type PointerEvent as ReactPointerEvent } from 'react';
import { useStore } from 'zustand';
import { useStudio } from '../../app/context';
import { visibleFrames } from '../../stores/project-edits';
import { shotById } from '../../stores/project-selectors';
import { thumbnailKey } from '../../stores/thumbnails';
import type { ReorderDrag } from './block-drag';
import { blockWidth, framesForDelta } from './timeline-geometry';

interface ShotBlockProps {
  id: string;
  index: number;
  pxPerSecond: number;
  drag: ReorderDrag;
  /** Px left empty before the block: the blocks a long timeline does not draw (Timeline.tsx). */
  gapBefore?: number;
}

function seconds(frames: number, fps: number): string {
  return `${(frames / fps).toFixed(1)} s`;
}

/** A rendered shot's picture, fetched once per file. */
function Thumbnail({ folder, file }: { folder: string; file: string }) {
  const { stores } = useStudio();
  const key = thumbnailKey(folder, file);
  const url = useStore(stores.thumbnails, (s) => s.urls[key]);
  useEffect(() => stores.thumbnails.getState().request(folder, file), [stores.thumbnails, folder, file]);
  return url ? <img className="thumb" src={url} alt="" draggable={false} /> : null;
}

/** One edge of a selected block: dragging it trims frames off that end of the shot. */
function TrimHandle({ id, edge, pxPerSecond }: { id: string; edge: 'in' | 'out'; pxPerSecond: number }) {
  const { stores } = useStudio();
  const gesture = useRef<{ pointerId: number; startX: number; start: number; key: string } | null>(null);
  const onDown = (event: ReactPointerEvent<HTMLSpanElement>): void => {
    const shot = shotById(stores.project.getState(), id);
    if (shot === undefined || event.button !== 0) return;
    event.stopPropagation();
    event.currentTarget.setPointerCapture(event.pointerId);
    // One undo step per drag, whatever the number of moves.
    gesture.current = { pointerId: event.pointerId, startX: event.clientX, start: edge === 'in' ? shot.trimIn : shot.trimOut, key: `trim-${edge}-${event.pointerId}-${event.timeStamp}` };
  };
  const onMove = (event: ReactPointerEvent<HTMLSpanElement>): void => {
    const g = gesture.current;
    const state = stores.project.getState();
    const shot = shotById(state, id);
    if (g === null || g.pointerId !== event.pointerId || shot === undefined || state.doc === null) return;
    const frames = framesForDelta(event.clientX - g.startX, pxPerSecond, state.doc.settings.fps);
    const max = shot.durationFrames - 1 - (edge === 'in' ? shot.trimOut : shot.trimIn);
    const value = Math.max(0, Math.min(max, edge === 'in' ? g.start + frames : g.start - frames));
    state.updateShot(id, edge === 'in' ? { trimIn: value } : { trimOut: value }, g.key);
  };
  const onUp = (): void => {
    gesture.current = null;
  };
  return <span className={`trim trim-${edge}`} aria-hidden="true" onPointerDown={onDown} onPointerMove={onMove} onPointerUp={onUp} onPointerCancel={onUp} onClick={(e) => e.stopPropagation()} />;
}

/**
 * A shot on the timeline, as wide as its trimmed length. Memoised and subscribed to its own shot
 * only: typing into one shot's prompt re-renders that block and no other.
 */
export const ShotBlock = memo(function ShotBlock({ id, index, pxPerSecond, drag, gapBefore = 0 }: ShotBlockProps) {
  const { stores } = useStudio();
  const shot = useStore(stores.project, (s) => shotById(s, id));
  const fps = useStore(stores.project, (s) => s.doc?.settings.fps ?? 8);
  const folder = useStore(stores.project, (s) => s.folder);
  const selected = useStore(stores.project, (s) => s.selection.includes(id));
  const focusTarget = useStore(stores.project, (s) => s.focusId === id || (s.focusId === null && index === 0));
  if (shot === undefined) return null;
  const frames = visibleFrames(shot);
  const width = blockWidth(frames, fps, pxPerSecond);
  const title = shot.name || `Shot ${index + 1}`;
  const label = `${title}, ${seconds(frames, fps)}${selected ? ', selected' : ''}`;
  return (
    <li
      className={`shot-block${selected ? ' selected' : ''}${shot.lastRender !== undefined ? ' rendered' : ''}`}
      style={gapBefore > 0 ? { width, marginLeft: gapBefore } : { width }}
      data-shot-id={id}
      tabIndex={focusTarget ? 0 : -1}
      aria-label={label}
      title={shot.prompt === '' ? title : `${title}: ${shot.prompt}`}
      onPointerDown={(event) => drag.down(id, event)}
      onPointerMove={(event) => drag.move(event)}
      onPointerUp={(event) => drag.up(event)}
      onPointerCancel={() => drag.cancel()}
      onClick={(event) => {
        if (drag.consumeClick()) return;
        stores.project.getState().select(id, event.shiftKey ? 'range' : event.ctrlKey || event.metaKey ? 'toggle' : 'only');
      }}
    >
      {shot.lastRender?.thumbnail !== undefined && folder !== null ? <Thumbnail folder={folder} file={shot.lastRender.thumbnail} /> : null}
      <span className="shot-name">{title}</span>
      <span className="shot-length">{seconds(frames, fps)}</span>
      {shot.prompt !== '' ? <span className="shot-prompt">{shot.prompt}</span> : null}
      {selected ? (
        <>
          <TrimHandle id={id} edge="in" pxPerSecond={pxPerSecond} />
          <TrimHandle id={id} edge="out" pxPerSecond={pxPerSecond} />
        </>
      ) : null}
    </li>
  );
});
