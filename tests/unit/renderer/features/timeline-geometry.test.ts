import { describe, expect, it } from 'vitest';
import { dropIndex, framesForDelta } from '../../../../renderer/src/features/timeline/timeline-geometry';

describe('timeline geometry', () => {
  it('drops dragged blocks before the first block whose centre is right of the pointer', () => {
    const centres = [50, 150, 250];
    expect(dropIndex(centres, 10)).toBe(0);
    expect(dropIndex(centres, 51)).toBe(1);
    expect(dropIndex(centres, 200)).toBe(2);
    expect(dropIndex(centres, 900)).toBe(3);
    expect(dropIndex([], 900)).toBe(0);
  });

  it('turns a pointer movement into frames at the zoom and frame rate', () => {
    expect(framesForDelta(64, 64, 8)).toBe(8);
    expect(framesForDelta(-32, 64, 8)).toBe(-4);
    expect(framesForDelta(3, 64, 8)).toBe(0);
  });
});
