import type { PointerEvent as ReactPointerEvent } from 'react';
import { DRAG_THRESHOLD_PX, dropIndex } from './timeline-geometry';

// Dragging shots to a new place on the timeline. The geometry is in timeline-geometry.ts (tested
// without a browser); this keeps only the state of the gesture in progress.

export interface DropMarker {
  /** Index among the blocks not being dragged. */
  index: number;
  /** Where to draw the marker, in px from the list's left edge. */
  x: number;
}

export interface ReorderCallbacks {
  /** The ids that move when `id` is dragged: the selection if it holds `id`, else `id` alone. */
  movingIds(id: string): readonly string[];
  move(ids: readonly string[], toIndex: number): void;
  showDrop(marker: DropMarker | null): void;
}

interface ReorderGesture {
  id: string;
  pointerId: number;
  startX: number;
  active: boolean;
  moving: ReadonlySet<string>;
  centres: number[];
  lefts: number[];
  end: number;
  listLeft: number;
  drop: DropMarker | null;
}

/** Drag-to-reorder for the blocks of one list element (each block carries data-shot-id). */
export function createReorderDrag(list: () => HTMLElement | null, callbacks: ReorderCallbacks) {
  let gesture: ReorderGesture | null = null;
  let justDragged = false;

  function measure(g: ReorderGesture): void {
    const element = list();
    if (element === null) return;
    const listRect = element.getBoundingClientRect();
    g.listLeft = listRect.left;
    g.centres = [];
    g.lefts = [];
    g.end = 0;
    for (const child of Array.from(element.querySelectorAll<HTMLElement>('[data-shot-id]'))) {
      if (g.moving.has(child.dataset.shotId ?? '')) continue;
      const r = child.getBoundingClientRect();
      g.centres.push(r.left + r.width / 2);
      g.lefts.push(r.left - listRect.left);
      g.end = r.right - listRect.left;
    }
  }

  return {
    down(id: string, event: ReactPointerEvent<HTMLElement>): void {
      justDragged = false;
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
      gesture = { id, pointerId: event.pointerId, startX: event.clientX, active: false, moving: new Set(), centres: [], lefts: [], end: 0, listLeft: 0, drop: null };
      event.currentTarget.setPointerCapture(event.pointerId);
    },
    move(event: ReactPointerEvent<HTMLElement>): void {
      const g = gesture;
      if (g === null || g.pointerId !== event.pointerId) return;
      if (!g.active) {
        if (Math.abs(event.clientX - g.startX) < DRAG_THRESHOLD_PX) return;
        g.active = true;
        g.moving = new Set(callbacks.movingIds(g.id));
        measure(g);
      }
      const index = dropIndex(g.centres, event.clientX);
      const x = g.lefts[index] ?? g.end;
      if (g.drop?.index !== index) {
        g.drop = { index, x };
        callbacks.showDrop(g.drop);
      }
    },
    up(event: ReactPointerEvent<HTMLElement>): void {
      const g = gesture;
      if (g === null || g.pointerId !== event.pointerId) return;
      gesture = null;
      callbacks.showDrop(null);
      if (g.active && g.drop !== null) {
        justDragged = true;
        callbacks.move([...g.moving], g.drop.index);
      }
    },
    cancel(): void {
      gesture = null;
      callbacks.showDrop(null);
    },
    /** True once, for the click that ends a drag (it must not change the selection). */
    consumeClick(): boolean {
      const was = justDragged;
      justDragged = false;
      return was;
    },
  };
}

export type ReorderDrag = ReturnType<typeof createReorderDrag>;
