import { randomBytes } from 'node:crypto';
import { MODEL_UPLOAD_PATH, type ModelPackDto, type ModelsProgressEvent } from '../common/channels/models';
import type { PayloadOf, ResultOf } from '../common/contract';
import { AiprodError, inputError, serializeError } from '../../engine/errors';
import { ModelLibrary, type PackSummary } from '../../engine/models/model-library';
import type { ProgressEvent, ProgressListener } from '../../engine/models/progress';
import { UploadStaging, type UploadLimits } from '../../engine/models/upload-staging';
import type { Emit, HandlerContext } from './context';

// The models domain: the model library for the studio. Each shell's context gets one ModelsService,
// made on first use: it opens the library (AIPROD_HOME), runs imports, verifications and removals
// one at a time (so two of them never race on the same pack), turns the engine's progress into
// models.progress events and announces every change of the list with models.changed. Uploads (the
// headless host's way in for dropped files) are staged by the engine's UploadStaging; the host's
// HTTP route hands their bytes to receiveUpload.

// The contract's pack and the engine's are written twice (electron/common imports nothing of ours);
// this fails to compile the moment they drift apart.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
export type PackShapesAgree = Assert<Equal<ModelPackDto, PackSummary>>;

export interface ModelsServiceOptions {
  emit: Emit;
  /** Which shell serves the studio: only the headless host takes uploads. */
  shell: HandlerContext['shell']['shell'];
  /** AIPROD_HOME; default from the environment. */
  home?: string;
  /** Folders of the shipped packs; default <app>/models. */
  shippedDirs?: readonly string[];
  uploadLimits?: Partial<UploadLimits>;
  /** Free bytes on the library's disk (tests pass a fixed figure). */
  freeBytes?: (dir: string) => Promise<number>;
}

function newId(): string {
  return randomBytes(12).toString('hex');
}

/** The engine's progress as the contract's event. */
function progressEvent(importId: string, operation: ModelsProgressEvent['operation'], label: string, event: ProgressEvent): ModelsProgressEvent {
  return {
    importId,
    operation,
    phase: event.phase === 'hash' ? 'verify' : event.phase,
    label,
    bytes: event.bytesDone,
    totalBytes: event.bytesTotal ?? null,
    files: event.filesDone,
    totalFiles: event.filesTotal ?? null,
    rate: event.bytesPerSecond,
    etaMs: event.etaSeconds === undefined ? null : event.etaSeconds * 1000,
    ...(event.file === undefined ? {} : { file: event.file }),
  };
}

function finished(importId: string, operation: ModelsProgressEvent['operation'], label: string, outcome: { packId?: string; bytes: number; files: number } | { error: unknown }): ModelsProgressEvent {
  const base = { importId, operation, label, totalBytes: null, totalFiles: null, rate: 0, etaMs: null };
  if ('error' in outcome) {
    const { code, message } = serializeError(outcome.error);
    return { ...base, phase: 'failed', bytes: 0, files: 0, error: { code, message } };
  }
  return { ...base, phase: 'done', bytes: outcome.bytes, files: outcome.files, totalBytes: outcome.bytes, totalFiles: outcome.files, ...(outcome.packId === undefined ? {} : { packId: outcome.packId }) };
}

function describeNames(names: readonly string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

export class ModelsService {
  private opening: Promise<{ library: ModelLibrary; uploads: UploadStaging }> | undefined;
  /** Imports, verifications and removals, one after another. */
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: ModelsServiceOptions) {}

  private open(): Promise<{ library: ModelLibrary; uploads: UploadStaging }> {
    if (this.closed) return Promise.reject(new AiprodError('MODELS_CLOSED', 'the model library of this studio is closed'));
    this.opening ??= (async () => {
      const library = await ModelLibrary.open({
        ...(this.options.home === undefined ? {} : { home: this.options.home }),
        ...(this.options.shippedDirs === undefined ? {} : { shippedDirs: this.options.shippedDirs }),
      });
      const uploads = new UploadStaging(library.paths, {
        ...(this.options.uploadLimits === undefined ? {} : { limits: this.options.uploadLimits }),
        ...(this.options.freeBytes === undefined ? {} : { freeBytes: this.options.freeBytes }),
      });
      return { library, uploads };
    })();
    return this.opening;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work, work);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async announce(reason: 'imported' | 'removed' | 'verified', id: string | null): Promise<void> {
    const { library } = await this.open();
    this.options.emit('models.changed', { reason, id, packs: await library.list() });
  }

  async list(): Promise<PackSummary[]> {
    return (await this.open()).library.list();
  }

  async verify(id: string | undefined, verifyId: string = newId()): Promise<ResultOf<'models.verify'>> {
    const { library } = await this.open();
    const label = id ?? 'every pack';
    return this.exclusive(async () => {
      const onProgress: ProgressListener = (event) => this.options.emit('models.progress', progressEvent(verifyId, 'verify', label, event));
      try {
        const report = await library.verify(id, onProgress);
        const bytes = report.packs.reduce((sum, p) => sum + p.bytes, 0);
        const files = report.packs.reduce((sum, p) => sum + p.files, 0);
        this.options.emit('models.progress', finished(verifyId, 'verify', label, { ...(id === undefined ? {} : { packId: id }), bytes, files }));
        await this.announce('verified', id ?? null);
        return report;
      } catch (error) {
        this.options.emit('models.progress', finished(verifyId, 'verify', label, { error }));
        throw error;
      }
    });
  }

  async remove(id: string): Promise<PackSummary> {
    const { library } = await this.open();
    return this.exclusive(async () => {
      const removed = await library.remove(id);
      await this.announce('removed', id);
      return removed;
    });
  }

  /** Imports from paths on this machine (Electron's dropped files, the CLI's arguments). */
  async importPaths(paths: readonly string[], options: { importId?: string; replace?: boolean; label?: string } = {}): Promise<ResultOf<'models.import'>> {
    const importId = options.importId ?? newId();
    const label = options.label ?? describeNames(paths);
    return this.runImport(importId, label, paths, options.replace === true, options.label);
  }

  private async runImport(importId: string, label: string, paths: readonly string[], replace: boolean, messageLabel: string | undefined): Promise<ResultOf<'models.import'>> {
    const { library } = await this.open();
    return this.exclusive(async () => {
      const onProgress: ProgressListener = (event) => this.options.emit('models.progress', progressEvent(importId, 'import', label, event));
      try {
        const result = await library.import(paths, { replace, onProgress, ...(messageLabel === undefined ? {} : { label: messageLabel }) });
        this.options.emit('models.progress', finished(importId, 'import', label, { packId: result.pack.id, bytes: result.pack.bytes, files: result.pack.files }));
        await this.announce('imported', result.pack.id);
        return { importId, pack: result.pack, replaced: result.replaced };
      } catch (error) {
        this.options.emit('models.progress', finished(importId, 'import', label, { error }));
        throw error;
      }
    });
  }

  /** Announces an upload: names, sizes and free disk are checked before any byte is accepted. */
  async beginUpload(files: readonly { name: string; bytes: number }[]): Promise<ResultOf<'models.uploadBegin'>> {
    if (this.options.shell !== 'host') {
      throw inputError('UNSUPPORTED', 'uploads exist only on the headless host: the desktop app imports dropped files from their paths (models.import with paths)');
    }
    const { uploads } = await this.open();
    const label = describeNames(files.map((f) => f.name));
    let uploadId = '';
    const { uploadId: id, totalBytes } = await uploads.begin(files, (event) => this.options.emit('models.progress', progressEvent(uploadId, 'import', label, event)));
    uploadId = id;
    return { uploadId, totalBytes, urls: files.map((_, i) => `${MODEL_UPLOAD_PATH}/${uploadId}/${i}`) };
  }

  /** The bytes of file `index` of an upload (the host's HTTP route). A failure discards the upload. */
  async receiveUpload(uploadId: string, index: number, body: AsyncIterable<Uint8Array>): Promise<{ name: string; bytes: number }> {
    const { uploads } = await this.open();
    const label = describeNames(uploads.announced(uploadId).map((f) => f.name));
    try {
      return await uploads.receive(uploadId, index, body);
    } catch (error) {
      this.options.emit('models.progress', finished(uploadId, 'import', label, { error }));
      throw error;
    }
  }

  /** Imports a finished upload, then deletes its staged bytes whatever the outcome. */
  async importUpload(uploadId: string, replace: boolean): Promise<ResultOf<'models.import'>> {
    const { uploads } = await this.open();
    const staged = uploads.staged(uploadId);
    try {
      return await this.runImport(uploadId, staged.label, staged.paths, replace, staged.label);
    } finally {
      await uploads.discard(uploadId);
    }
  }

  async cancelUpload(uploadId: string): Promise<boolean> {
    const { uploads } = await this.open();
    return uploads.discard(uploadId);
  }

  /** Waits for the running operation, drops unfinished uploads and closes the library. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.opening === undefined) return;
    await this.chain;
    const { library, uploads } = await this.opening;
    await uploads.discardAll();
    library.close();
  }
}

const services = new WeakMap<HandlerContext, ModelsService>();

/** Gives a shell's context its own service (tests pass a home and limits). */
export function setModelsService(ctx: HandlerContext, service: ModelsService): void {
  services.set(ctx, service);
}

/** The shell's model library service, made on first use. */
export function modelsServiceFor(ctx: HandlerContext): ModelsService {
  let service = services.get(ctx);
  if (service === undefined) {
    service = new ModelsService({ emit: ctx.emit, shell: ctx.shell.shell });
    services.set(ctx, service);
  }
  return service;
}

/** Closes the shell's model library, if it was ever opened. */
export async function closeModelsService(ctx: HandlerContext): Promise<void> {
  await services.get(ctx)?.close();
  services.delete(ctx);
}

export async function modelsList(_payload: PayloadOf<'models.list'>, ctx: HandlerContext): Promise<ResultOf<'models.list'>> {
  return modelsServiceFor(ctx).list();
}

export async function modelsVerify(payload: PayloadOf<'models.verify'>, ctx: HandlerContext): Promise<ResultOf<'models.verify'>> {
  return modelsServiceFor(ctx).verify(payload?.id, payload?.verifyId);
}

export async function modelsRemove(payload: PayloadOf<'models.remove'>, ctx: HandlerContext): Promise<ResultOf<'models.remove'>> {
  return { removed: await modelsServiceFor(ctx).remove(payload.id) };
}

export async function modelsImport(payload: PayloadOf<'models.import'>, ctx: HandlerContext): Promise<ResultOf<'models.import'>> {
  const service = modelsServiceFor(ctx);
  if (payload.uploadId !== undefined) return service.importUpload(payload.uploadId, payload.replace === true);
  return service.importPaths(payload.paths ?? [], {
    ...(payload.importId === undefined ? {} : { importId: payload.importId }),
    replace: payload.replace === true,
  });
}

export async function modelsUploadBegin(payload: PayloadOf<'models.uploadBegin'>, ctx: HandlerContext): Promise<ResultOf<'models.uploadBegin'>> {
  return modelsServiceFor(ctx).beginUpload(payload.files);
}

export async function modelsUploadCancel(payload: PayloadOf<'models.uploadCancel'>, ctx: HandlerContext): Promise<ResultOf<'models.uploadCancel'>> {
  return { cancelled: await modelsServiceFor(ctx).cancelUpload(payload.uploadId) };
}
