import { z } from 'zod';
import { defineDomain } from './define';
import { AbsolutePath } from './projects';

// The export domain: the open project's timeline to one MP4 (H.264 + AAC). The page names each
// export with an id of its own making, so it can cancel it and tell its progress events apart
// while export.start is still waiting for the result.

export const ExportId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an export id is 1 to 64 letters, digits, "_" or "-"');

export const ExportProgressEvent = z.object({
  exportId: ExportId,
  /** 0 to 1 of the timeline written. */
  fraction: z.number().min(0).max(1),
  /** Estimated time left; null until ffmpeg has reported a rate. */
  etaMs: z.number().nonnegative().nullable(),
});
export type ExportProgressEvent = z.infer<typeof ExportProgressEvent>;

export const ExportResult = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('done'),
    /** The written file (absolute). */
    output: z.string().min(1),
    /** The timeline's length, which is the file's. */
    durationSec: z.number().positive(),
    frames: z.number().int().positive(),
    fps: z.number().positive(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    bytes: z.number().int().nonnegative(),
  }),
  /** Cancelled by export.cancel, or the save dialog was dismissed; nothing was written. */
  z.object({ kind: z.literal('cancelled') }),
]);
export type ExportResult = z.infer<typeof ExportResult>;

export const exportDomain = defineDomain('export', {
  invoke: {
    /**
     * Exports the timeline of the open project as saved in its folder (save first). `project`:
     * into <folder>/exports/<name>-<time>.mp4; `choose`: where the desktop shell's save dialog
     * says (the headless host has none and answers UNSUPPORTED). Answers when the file is written.
     */
    'export.start': {
      payload: z.object({ folder: AbsolutePath, exportId: ExportId, destination: z.enum(['project', 'choose']).default('project') }),
      result: ExportResult,
    },
    /** Stops a running export; nothing of it stays on disk. False when no such export runs. */
    'export.cancel': { payload: z.object({ exportId: ExportId }), result: z.object({ cancelled: z.boolean() }) },
  },
  events: {
    'export.progress': ExportProgressEvent,
  },
});
