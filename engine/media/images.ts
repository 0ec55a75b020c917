// Still images from raw frames with sharp: thumbnails for the queue and progress events, contact
// sheets for render records. Frames are RGB24 (3 channels) or gray (1 channel), row-major.
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { inputError } from '../errors';

export type ImageFormat = 'png' | 'jpeg' | 'webp';

export interface ThumbnailOptions {
  /** Output width in pixels; height follows the aspect ratio. Default: the frame's width. */
  width?: number;
  format?: ImageFormat;
  /** JPEG/WebP quality 1-100 (default 80). */
  quality?: number;
  channels?: 1 | 3;
}

export interface ContactSheetOptions {
  columns: number;
  /** Width of each tile; default: the frame's width. */
  tileWidth?: number;
  /** Pixels between tiles and around the sheet (default 2). */
  gap?: number;
  channels?: 1 | 3;
}

function checkFrame(frame: Uint8Array, width: number, height: number, channels: number, what: string): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw inputError('VIDEO_SIZE_INVALID', `${what}: size must be positive integers, got ${width}x${height}`);
  }
  if (frame.byteLength !== width * height * channels) {
    throw inputError('FRAME_SIZE_MISMATCH', `${what} has ${frame.byteLength} bytes; a ${width}x${height} frame with ${channels} channel(s) has ${width * height * channels}`);
  }
}

function encodeAs(image: Sharp, format: ImageFormat, quality: number): Promise<Buffer> {
  if (format === 'jpeg') return image.jpeg({ quality }).toBuffer();
  if (format === 'webp') return image.webp({ quality }).toBuffer();
  return image.png().toBuffer();
}

function tileHeight(width: number, height: number, tileWidth: number): number {
  return Math.max(1, Math.round((height * tileWidth) / width));
}

/** One frame as a PNG/JPEG/WebP image, scaled to `width` (aspect kept). */
export async function thumbnail(frame: Uint8Array, width: number, height: number, options: ThumbnailOptions = {}): Promise<Buffer> {
  const channels = options.channels ?? 3;
  checkFrame(frame, width, height, channels, 'thumbnail frame');
  const outWidth = options.width ?? width;
  if (!Number.isInteger(outWidth) || outWidth < 1 || outWidth > 8192) throw inputError('THUMBNAIL_SIZE_INVALID', `thumbnail width must be an integer from 1 to 8192, got ${outWidth}`);
  const quality = options.quality ?? 80;
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) throw inputError('QUALITY_INVALID', `image quality must be an integer from 1 to 100, got ${quality}`);
  let image = sharp(frame, { raw: { width, height, channels } });
  if (outWidth !== width) image = image.resize(outWidth, tileHeight(width, height, outWidth), { fit: 'fill', kernel: 'lanczos3' });
  return encodeAs(image, options.format ?? 'png', quality);
}

/** Frames laid out in a grid, left to right then top to bottom, as one PNG. */
export async function contactSheet(frames: readonly Uint8Array[], width: number, height: number, options: ContactSheetOptions): Promise<Buffer> {
  const channels = options.channels ?? 3;
  if (frames.length === 0) throw inputError('NO_FRAMES', 'a contact sheet needs at least one frame');
  if (!Number.isInteger(options.columns) || options.columns < 1) throw inputError('COLUMNS_INVALID', `columns must be a positive integer, got ${options.columns}`);
  frames.forEach((f, i) => checkFrame(f, width, height, channels, `contact sheet frame ${i}`));
  const tileW = options.tileWidth ?? width;
  if (!Number.isInteger(tileW) || tileW < 1 || tileW > 4096) throw inputError('THUMBNAIL_SIZE_INVALID', `tile width must be an integer from 1 to 4096, got ${tileW}`);
  const tileH = tileHeight(width, height, tileW);
  const gap = options.gap ?? 2;
  const columns = Math.min(options.columns, frames.length);
  const rows = Math.ceil(frames.length / columns);
  const sheetW = columns * tileW + (columns + 1) * gap;
  const sheetH = rows * tileH + (rows + 1) * gap;

  const tiles = await Promise.all(
    frames.map(async (frame, i) => {
      const tile = tileW === width ? Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength) : await sharp(frame, { raw: { width, height, channels } }).resize(tileW, tileH, { fit: 'fill' }).raw().toBuffer();
      return {
        input: tile,
        raw: { width: tileW, height: tileH, channels },
        left: gap + (i % columns) * (tileW + gap),
        top: gap + Math.floor(i / columns) * (tileH + gap),
      };
    }),
  );
  return sharp({ create: { width: sheetW, height: sheetH, channels: 3, background: { r: 16, g: 16, b: 16 } } })
    .composite(tiles)
    .png()
    .toBuffer();
}
