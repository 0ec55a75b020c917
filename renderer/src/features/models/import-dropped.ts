import type { ModelsImportResult } from '../../../../electron/common/channels/models';
import type { IpcError, IpcResult } from '../../../../electron/common/errors';
import { ApiError, type Api } from '../../lib/api';
import type { Dropped } from './dropped';

// Turns a drop into an import. In Electron the preload tells each dropped item's path and the
// engine imports from disk (models.import {paths}). In a browser (the headless host) there are no
// paths: the files are announced (models.uploadBegin: names, sizes; the host checks them and the
// free disk), their bytes are PUT one by one to the host, then the staged upload is imported
// (models.import {uploadId}). Either way the result is the engine's, with the same errors.

export interface ImportTransport {
  /** Electron only: a dropped File's path on disk ("" when it has none). */
  pathForFile?: (file: File) => string;
  /** PUTs one file's bytes to the host; answers the parsed JSON body (an IpcResult). */
  put(url: string, body: Blob): Promise<unknown>;
}

export interface ImportDroppedOptions {
  importId: string;
  replace?: boolean;
  /** Called with the host's id for the upload, before any byte is sent. */
  onUploadId?: (uploadId: string) => void;
}

/** The host's answer to a PUT, checked for the IpcResult shape before it is believed. */
export function uploadAnswer(body: unknown): IpcResult<unknown> {
  if (typeof body === 'object' && body !== null && 'ok' in body) {
    if (body.ok === true) return { ok: true, value: 'value' in body ? body.value : undefined };
    const error = 'error' in body ? (body.error as Partial<IpcError> | null) : null;
    if (body.ok === false && typeof error?.code === 'string' && typeof error.message === 'string') return { ok: false, error: { code: error.code, message: error.message } };
  }
  return { ok: false, error: { code: 'BAD_RESULT', message: 'the host answered the upload with something that is not a contract result' } };
}

function refused(message: string, code = 'IMPORT_NOTHING'): ApiError {
  return new ApiError({ code, message });
}

export async function importDropped(api: Pick<Api, 'invoke'>, transport: ImportTransport, dropped: Dropped, options: ImportDroppedOptions): Promise<ModelsImportResult> {
  if (dropped.top.length === 0 && dropped.files.length === 0) throw refused('nothing was dropped: drop a pack folder, its files, or a .zip / .tar(.gz)');
  const { pathForFile } = transport;
  if (pathForFile !== undefined) {
    const paths = dropped.top.map((file) => ({ file, path: pathForFile(file) }));
    const without = paths.find((p) => p.path === '');
    if (without !== undefined) throw refused(`"${without.file.name}" has no path on this computer (dropped from another application?): save it to a folder first, then drop it from there`);
    return api.invoke('models.import', { paths: paths.map((p) => p.path), importId: options.importId, ...(options.replace ? { replace: true } : {}) });
  }

  if (dropped.files.length === 0) throw refused('the dropped folders hold no files');
  const begun = await api.invoke('models.uploadBegin', { files: dropped.files.map((f) => ({ name: f.relativePath, bytes: f.file.size })) });
  options.onUploadId?.(begun.uploadId);
  try {
    for (const [i, dropFile] of dropped.files.entries()) {
      const url = begun.urls[i];
      if (url === undefined) throw refused(`the host gave no address for "${dropFile.relativePath}"`, 'BAD_RESULT');
      const answer = uploadAnswer(await transport.put(url, dropFile.file));
      if (!answer.ok) throw new ApiError(answer.error);
    }
  } catch (error) {
    // The host drops an upload it refused itself; this covers a failure on this side (a file that
    // could not be read, a lost connection).
    await api.invoke('models.uploadCancel', { uploadId: begun.uploadId }).catch(() => undefined);
    throw error;
  }
  return api.invoke('models.import', { uploadId: begun.uploadId, ...(options.replace ? { replace: true } : {}) });
}
