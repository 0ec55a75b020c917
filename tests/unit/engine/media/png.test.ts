import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodePng, resizeNearest } from '../../../../engine/media/png';
import { previewImage } from '../../../../engine/jobs/preview-image';

describe('encodePng', () => {
  it('writes a PNG that an independent decoder reads back pixel for pixel', async () => {
    const width = 5;
    const height = 3;
    const rgb = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 37) % 256);
    const { data, info } = await sharp(encodePng(rgb, width, height)).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([width, height, 3]);
    expect(Buffer.from(data).equals(Buffer.from(rgb))).toBe(true);
  });

  it('refuses a buffer of the wrong length', () => {
    expect(() => encodePng(new Uint8Array(10), 2, 2)).toThrow(/needs 12 RGB bytes, got 10/);
  });
});

describe('resizeNearest', () => {
  it('repeats each source pixel over its block', () => {
    const rgb = Uint8Array.of(10, 20, 30, 40, 50, 60);
    const out = resizeNearest(rgb, 2, 1, 4, 2);
    expect(Array.from(out.subarray(0, 12))).toEqual([10, 20, 30, 10, 20, 30, 40, 50, 60, 40, 50, 60]);
    expect(Array.from(out.subarray(12))).toEqual(Array.from(out.subarray(0, 12)));
  });
});

describe('previewImage', () => {
  it('makes a PNG data URL of the requested width without sharp', async () => {
    const image = await previewImage({ width: 8, height: 4, rgb: new Uint8Array(8 * 4 * 3).fill(200) }, 16);
    expect(image).toMatchObject({ width: 16, height: 8 });
    const png = Buffer.from(image.dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64');
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height]).toEqual([16, 8]);
  });
});
