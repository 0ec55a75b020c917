// Model frames in [-1, 1], planar float32, to RGB24 bytes, frame-major and interleaved (what ffmpeg's
// rawvideo rgb24 reads). Writing through a Uint8ClampedArray gives the rounding (to nearest, ties to
// even) and the clamping to [0, 255] in one store, and maps NaN to 0.

/** 'channels-first': [3, F, H, W] (the VAE decoder's, batch 1). 'frames-first': [F, 3, H, W] (the upsampler's). */
export type PlanarLayout = 'channels-first' | 'frames-first';

export interface FrameBlock {
  data: Float32Array;
  layout: PlanarLayout;
  frames: number;
  height: number;
  width: number;
}

export function rgbByteLength(frames: number, height: number, width: number): number {
  return frames * height * width * 3;
}

/** Writes `block` into `out` (RGB24 of the whole clip) starting at frame `firstFrame`. */
export function writeRgb24(block: FrameBlock, out: Uint8ClampedArray, firstFrame = 0): void {
  const { data, layout, frames, height, width } = block;
  const plane = height * width;
  if (data.length !== frames * 3 * plane) throw new RangeError(`frame block holds ${data.length} values, expected ${frames * 3 * plane}`);
  if (out.length < rgbByteLength(firstFrame + frames, height, width)) throw new RangeError('RGB24 output buffer too small');
  for (let f = 0; f < frames; f++) {
    const dst = (firstFrame + f) * plane * 3;
    for (let c = 0; c < 3; c++) {
      const src = layout === 'channels-first' ? (c * frames + f) * plane : (f * 3 + c) * plane;
      for (let p = 0; p < plane; p++) out[dst + p * 3 + c] = (data[src + p]! + 1) * 127.5;
    }
  }
}
