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
