import { realpath } from 'node:fs/promises';
import type { PayloadOf, ResultOf } from '../common/contract';
import { inputError, isAiprodError } from '../../engine/errors';
import { loadProject } from '../../engine/projects';
import { exportTimeline } from '../../engine/projects/export';
import { EXPORT_CODES, exportFileName } from '../../engine/projects/export-plan';
import type { HandlerContext } from './context';
import { projectSessionFor } from './projects';

// The export domain: the open project's timeline to one MP4 (engine/projects/export.ts). Exports
// run in this process's event loop (ffmpeg does the work in its own process); each is named by the
// page's id, so export.cancel can stop it and the page can tell its progress events apart.

/** At most this often a progress event per export: ffmpeg reports twice a second, but a long
 * timeline of short clips would otherwise flood the socket. */
const PROGRESS_INTERVAL_MS = 150;

/** Running exports per shell: id -> its abort switch. */
const running = new WeakMap<HandlerContext, Map<string, AbortController>>();

function runningIn(ctx: HandlerContext): Map<string, AbortController> {
  let map = running.get(ctx);
  if (map === undefined) {
    map = new Map();
    running.set(ctx, map);
  }
  return map;
}

/** ffmpeg children must not outlive a shell that exits in the middle of an export. */
const everyController = new Set<AbortController>();
let exitHookInstalled = false;
function abortAllOnExit(controller: AbortController): void {
  everyController.add(controller);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of everyController) c.abort();
  });
}

/** The real path of `folder` when this shell has it open. */
async function openFolder(ctx: HandlerContext, folder: string): Promise<string> {
  const open = projectSessionFor(ctx).openFolders();
  const real = await realpath(folder).catch(() => folder);
  if (open.includes(folder)) return folder;
  if (open.includes(real)) return real;
  throw inputError(EXPORT_CODES.NOT_OPEN, `The project in ${folder} is not open; open it before exporting`, { folder });
}

export async function exportStart(payload: PayloadOf<'export.start'>, ctx: HandlerContext): Promise<ResultOf<'export.start'>> {
  const exports = runningIn(ctx);
  if (exports.has(payload.exportId)) throw inputError(EXPORT_CODES.BUSY, `An export with the id ${payload.exportId} is already running`, { exportId: payload.exportId });
  const controller = new AbortController();
  // Claimed before the first await, so a second start with the same id is refused, not raced.
  exports.set(payload.exportId, controller);
  abortAllOnExit(controller);
  try {
    const folder = await openFolder(ctx, payload.folder);
    const { project } = await loadProject(folder);
    let output: string | undefined;
    if (payload.destination === 'choose') {
      if (ctx.dialogs?.saveFile === undefined) {
        throw inputError('UNSUPPORTED', 'Choosing where to save exists only in the desktop app; the export goes into the project folder (exports/)');
      }
      const chosen = await ctx.dialogs.saveFile({ title: 'Export video', defaultName: exportFileName(project.name, new Date()), filters: [{ name: 'MP4 video', extensions: ['mp4'] }] });
      if (chosen === null) return { kind: 'cancelled' };
      output = chosen;
    }
    if (controller.signal.aborted) return { kind: 'cancelled' };

    let lastSent = 0;
    const exported = await exportTimeline(folder, project, {
      ...(output === undefined ? {} : { output }),
      signal: controller.signal,
      onProgress: ({ fraction, etaMs }) => {
        const now = Date.now();
        if (fraction < 1 && now - lastSent < PROGRESS_INTERVAL_MS) return;
        lastSent = now;
        ctx.emit('export.progress', { exportId: payload.exportId, fraction, etaMs });
      },
    });
    return { kind: 'done', output: exported.output, durationSec: exported.durationSec, frames: exported.frames, fps: exported.fps, width: exported.width, height: exported.height, bytes: exported.bytes };
  } catch (error) {
    if (controller.signal.aborted && isAiprodError(error) && error.code === 'ABORTED') return { kind: 'cancelled' };
    throw error;
  } finally {
    exports.delete(payload.exportId);
    everyController.delete(controller);
  }
}

export function exportCancel(payload: PayloadOf<'export.cancel'>, ctx: HandlerContext): ResultOf<'export.cancel'> {
  const controller = runningIn(ctx).get(payload.exportId);
  if (controller === undefined) return { cancelled: false };
  controller.abort();
  return { cancelled: true };
}

/** Stops every export of a shell (the shell is closing). */
export function cancelExports(ctx: HandlerContext): void {
  for (const controller of runningIn(ctx).values()) controller.abort();
}
