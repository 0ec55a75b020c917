// The timeline's arithmetic, free of the DOM so that it can be tested in Node.

/** Pixels a pointer must travel before a press becomes a drag (a shorter one is a click). */
export const DRAG_THRESHOLD_PX = 4;

/**
 * Where dragged blocks land: the index, among the blocks not being dragged, of the first block
 * whose centre lies right of the pointer. `centres` are those blocks' centres, left to right.
 */
export function dropIndex(centres: readonly number[], pointerX: number): number {
  let index = 0;
  while (index < centres.length && (centres[index] ?? Infinity) < pointerX) index++;
  return index;
}

/** Frames a horizontal pointer movement stands for at a zoom (px per second) and frame rate. */
export function framesForDelta(dx: number, pxPerSecond: number, fps: number): number {
  return Math.round((dx / pxPerSecond) * fps);
}

/** A shot block's width: its trimmed length at the zoom, never thinner than 2 px. */
export function blockWidth(frames: number, fps: number, pxPerSecond: number): number {
  return Math.max(2, (frames / fps) * pxPerSecond);
}

/** Where each block starts (px from the list's left edge) and where the last one ends. */
export function blockLefts(widths: readonly number[]): { lefts: Float64Array; total: number } {
  const lefts = new Float64Array(widths.length);
  let x = 0;
  widths.forEach((width, i) => {
    lefts[i] = x;
    x += width;
  });
  return { lefts, total: x };
}

/** The index of the block under `x` (the first or last one beyond the ends). */
function blockAt(lefts: Float64Array, x: number): number {
  let lo = 0;
  let hi = lefts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lefts[mid] ?? 0) <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The blocks a long timeline draws: those within `overscanPx` of the visible span [viewLeft,
 * viewLeft + viewWidth] (px from the list's left edge). Inclusive indexes; empty list: first > last.
 */
export function renderWindow(lefts: Float64Array, viewLeft: number, viewWidth: number, overscanPx: number): { first: number; last: number } {
  if (lefts.length === 0) return { first: 0, last: -1 };
  return { first: blockAt(lefts, viewLeft - overscanPx), last: blockAt(lefts, viewLeft + viewWidth + overscanPx) };
}

/** The indexes drawn, in order: the window first..last and `pinned` (-1: none) wherever it is. */
export function drawnIndexes(first: number, last: number, pinned: number): number[] {
  const window = Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
  if (pinned < 0 || (pinned >= first && pinned <= last)) return window;
  return pinned < first ? [pinned, ...window] : [...window, pinned];
}

/** Px to leave before the drawn block `index` that follows the drawn block `previous`: the blocks not drawn between them. */
export function gapBetween(lefts: Float64Array, previous: number | undefined, index: number): number {
  if (previous === undefined || previous === index - 1) return 0;
  return (lefts[index] ?? 0) - (lefts[previous + 1] ?? 0);
}
