// The worker's raw RGB preview as a small image data URL for the studio's progress view. The queue
// may run in Electron's main process, so the PNG is made with engine/media's zlib encoder, never
// with sharp (a native crash there would take the studio down).
import { encodePng, resizeNearest } from '../media/png';
import type { RenderPreview } from '../render/result';

export interface PreviewImage {
  dataUrl: string;
  width: number;
  height: number;
}

/** Width of the preview image; the pipeline's previews are latent-sized (a few pixels to a few dozen). */
export const PREVIEW_WIDTH = 160;

export async function previewImage(preview: RenderPreview, width: number = PREVIEW_WIDTH): Promise<PreviewImage> {
  const height = Math.max(1, Math.round((preview.height * width) / preview.width));
  const png = encodePng(resizeNearest(preview.rgb, preview.width, preview.height, width, height), width, height);
  return { dataUrl: `data:image/png;base64,${png.toString('base64')}`, width, height };
}
