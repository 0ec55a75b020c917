import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeRenderLeftovers } from '../../../../engine/render/leftovers';

const dir = mkdtempSync(path.join(os.tmpdir(), 'aiprod-leftovers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('removeRenderLeftovers', () => {
  it('removes the temporary video and record of the dead process only', () => {
    const names = [
      '.shot.mp4.4242-a1b2c3d4.partial', // ffmpeg's output of pid 4242
      '.shot.json.4242.0badf00d.tmp', // the record of pid 4242
      '.shot.mp4.777-a1b2c3d4.partial', // another process's render of the same name
      '.other.mp4.4242-a1b2c3d4.partial', // another output of pid 4242
      'shot.mp4', // a finished video
      'shot.json',
    ];
    for (const name of names) writeFileSync(path.join(dir, name), 'x');
    const removed = removeRenderLeftovers(path.join(dir, 'shot.mp4'), 4242);
    expect(removed.map((f) => path.basename(f)).sort()).toEqual(['.shot.json.4242.0badf00d.tmp', '.shot.mp4.4242-a1b2c3d4.partial']);
    expect(readdirSync(dir).sort()).toEqual(['.other.mp4.4242-a1b2c3d4.partial', '.shot.mp4.777-a1b2c3d4.partial', 'shot.json', 'shot.mp4']);
  });

  it('does nothing when the folder is gone', () => {
    expect(removeRenderLeftovers(path.join(dir, 'missing', 'shot.mp4'), 1)).toEqual([]);
  });
});
