import { describe, expect, it } from 'vitest';
import { blockLefts, blockWidth, drawnIndexes, gapBetween, renderWindow } from '../../../../renderer/src/features/timeline/timeline-geometry';

// The window of blocks a long timeline draws (renderer/src/features/timeline/Timeline.tsx).

describe('block geometry', () => {
  it('sizes blocks by length at the zoom, at least 2 px, and lays them end to end', () => {
    expect(blockWidth(16, 8, 64)).toBe(128);
    expect(blockWidth(1, 24, 16)).toBe(2);
    const { lefts, total } = blockLefts([100, 50, 2, 200]);
    expect([...lefts]).toEqual([0, 100, 150, 152]);
    expect(total).toBe(352);
  });
});

describe('the drawn window', () => {
  // 500 blocks of 100 px: block i spans [100 i, 100 i + 100).
  const { lefts } = blockLefts(Array.from({ length: 500 }, () => 100));

  it('draws the blocks within the overscan of the visible span', () => {
    expect(renderWindow(lefts, 0, 1000, 500)).toEqual({ first: 0, last: 15 });
    expect(renderWindow(lefts, 20_000, 1000, 500)).toEqual({ first: 195, last: 215 });
    expect(renderWindow(lefts, 49_500, 1000, 500)).toEqual({ first: 490, last: 499 });
    const empty = renderWindow(blockLefts([]).lefts, 0, 1000, 500);
    expect(empty.last).toBeLessThan(empty.first);
  });

  it('adds the block in focus wherever it is, in order', () => {
    expect(drawnIndexes(195, 198, 3)).toEqual([3, 195, 196, 197, 198]);
    expect(drawnIndexes(195, 198, 499)).toEqual([195, 196, 197, 198, 499]);
    expect(drawnIndexes(195, 198, 196)).toEqual([195, 196, 197, 198]);
    expect(drawnIndexes(0, 2, -1)).toEqual([0, 1, 2]);
  });

  it('leaves the width of the blocks not drawn as a gap, so every block sits at its own place', () => {
    expect(gapBetween(lefts, undefined, 3)).toBe(0);
    expect(gapBetween(lefts, 195, 196)).toBe(0);
    // Block 3 ends at 400; block 195 starts at 19 500.
    expect(gapBetween(lefts, 3, 195)).toBe(19_100);
    expect(gapBetween(lefts, 198, 499)).toBe(49_900 - 19_900);
  });
});
