// Thumbnails and contact sheets with the real sharp: decode the images back and look at pixels.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { contactSheet, thumbnail } from '../../../../engine/media/images';

function solid(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) out.set(rgb, i * 3);
  return out;
}

async function pixel(image: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return Array.from(data.subarray(i, i + 3));
}

describe('thumbnail', () => {
  it.each(['png', 'jpeg', 'webp'] as const)('%s: scaled to the asked width, aspect kept, colours kept', async (format) => {
    const image = await thumbnail(solid(80, 40, [200, 30, 60]), 80, 40, { width: 20, format });
    const meta = await sharp(image).metadata();
    expect(meta).toMatchObject({ format, width: 20, height: 10 });
    const [r, g, b] = await pixel(image, 10, 5);
    expect(Math.abs(r! - 200)).toBeLessThan(8);
    expect(Math.abs(g! - 30)).toBeLessThan(8);
    expect(Math.abs(b! - 60)).toBeLessThan(8);
  });

  it('keeps full size by default and accepts gray frames', async () => {
    const gray = new Uint8Array(16 * 12).fill(77);
    const meta = await sharp(await thumbnail(gray, 16, 12, { channels: 1 })).metadata();
    expect(meta).toMatchObject({ width: 16, height: 12 });
  });

  it('refuses a frame of the wrong length and bad sizes', async () => {
    await expect(thumbnail(new Uint8Array(10), 4, 4)).rejects.toMatchObject({ code: 'FRAME_SIZE_MISMATCH' });
    await expect(thumbnail(solid(4, 4, [0, 0, 0]), 4, 4, { width: 0 })).rejects.toMatchObject({ code: 'THUMBNAIL_SIZE_INVALID' });
    await expect(thumbnail(solid(4, 4, [0, 0, 0]), 4, 4, { format: 'jpeg', quality: 101 })).rejects.toMatchObject({ code: 'QUALITY_INVALID' });
  });
});

describe('contactSheet', () => {
  it('places frames left to right, top to bottom, with gaps', async () => {
    const colours: [number, number, number][] = [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
    ];
    const sheet = await contactSheet(colours.map((c) => solid(20, 10, c)), 20, 10, { columns: 2, gap: 2 });
    const meta = await sharp(sheet).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 2 * 20 + 3 * 2, height: 2 * 10 + 3 * 2 });
    expect(await pixel(sheet, 2 + 5, 2 + 5)).toEqual([255, 0, 0]);
    expect(await pixel(sheet, 2 + 20 + 2 + 5, 2 + 5)).toEqual([0, 255, 0]);
    expect(await pixel(sheet, 2 + 5, 2 + 10 + 2 + 5)).toEqual([0, 0, 255]);
    // The empty fourth cell is background.
    expect(await pixel(sheet, 2 + 20 + 2 + 5, 2 + 10 + 2 + 5)).toEqual([16, 16, 16]);
  });

  it('scales tiles to tileWidth', async () => {
    const sheet = await contactSheet([solid(40, 20, [9, 9, 9]), solid(40, 20, [9, 9, 9])], 40, 20, { columns: 2, tileWidth: 10, gap: 0 });
    expect(await sharp(sheet).metadata()).toMatchObject({ width: 20, height: 5 });
  });

  it('refuses no frames, bad columns and a frame of the wrong size, naming it', async () => {
    await expect(contactSheet([], 4, 4, { columns: 2 })).rejects.toMatchObject({ code: 'NO_FRAMES' });
    await expect(contactSheet([solid(4, 4, [0, 0, 0])], 4, 4, { columns: 0 })).rejects.toMatchObject({ code: 'COLUMNS_INVALID' });
    await expect(contactSheet([solid(4, 4, [0, 0, 0]), new Uint8Array(3)], 4, 4, { columns: 2 })).rejects.toMatchObject({ code: 'FRAME_SIZE_MISMATCH', message: expect.stringContaining('frame 1') });
  });
});
