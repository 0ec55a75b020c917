// The worker's raw RGB preview as a small image data URL for the studio's progress view. Image
// encoding belongs to engine/media (thumbnail()); it is loaded on the first preview only, so a
// process that never shows previews (the CLI's queue, most tests) never loads sharp.
import type { RenderPreview } from '../render/result';

export interface PreviewImage {
  dataUrl: string;
  width: number;
  height: number;
}

/** Width of the preview image; the pipeline's previews are latent-sized (a few pixels to a few dozen). */
export const PREVIEW_WIDTH = 160;

export async function previewImage(preview: RenderPreview, width: number = PREVIEW_WIDTH): Promise<PreviewImage> {
  const { thumbnail } = await import('../media/images');
  const png = await thumbnail(preview.rgb, preview.width, preview.height, { width, format: 'png' });
  const height = Math.max(1, Math.round((preview.height * width) / preview.width));
  return { dataUrl: `data:image/png;base64,${png.toString('base64')}`, width, height };
}
