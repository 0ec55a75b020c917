import { z } from 'zod';
import { defineDomain } from './define';

// The models domain: the model library as the studio sees it. List, verify, remove, and import,
// either from paths (Electron: the dropped files' paths, from the preload's pathForFile) or from an
// upload (the headless host: the browser has no paths, so the dropped files' bytes are sent with
// HTTP PUT to MODEL_UPLOAD_PATH on the host, then imported like paths). Progress and changes of
// the list arrive as events. The pack below is the engine's PackSummary (engine/models), written
// again here because electron/common imports nothing of ours; electron/handlers/models.ts fails to
// compile when the two drift apart.

/** The host's upload route: PUT <MODEL_UPLOAD_PATH>/<uploadId>/<file index>, body = the file's bytes. */
export const MODEL_UPLOAD_PATH = '/upload/models';

export const PackStatusSchema = z.enum(['ok', 'modified', 'missing', 'pending_training']);
export type PackStatusDto = z.infer<typeof PackStatusSchema>;

export const ModelPackDto = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  version: z.string(),
  /** ok | modified | missing | pending_training (the cheap check's finding, or the last verification's). */
  status: PackStatusSchema,
  /** Every file hashed in place and unchanged since. */
  verified: z.boolean(),
  /** SPDX id. */
  license: z.string(),
  owner: z.string(),
  bytes: z.number().int().nonnegative(),
  source: z.enum(['imported', 'shipped']),
  path: z.string(),
  format: z.enum(['aiprod-model/1', 'seed-manifest']),
  trainingStatus: z.enum(['trained', 'pending_training']),
  renderable: z.boolean(),
  files: z.number().int().nonnegative(),
  importedAt: z.string(),
  lastVerifiedAt: z.string().nullable(),
  problem: z.string().nullable(),
  provenance: z.record(z.string(), z.unknown()),
});
export type ModelPackDto = z.infer<typeof ModelPackDto>;

export const PackProblemDto = z.object({
  id: z.string(),
  file: z.string().nullable(),
  problem: z.enum(['missing', 'modified', 'unsafe']),
  message: z.string(),
});
export type PackProblemDto = z.infer<typeof PackProblemDto>;

/** Names an import or verification in progress events; the page picks it so it can follow at once. */
const OperationId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an operation id is 1 to 64 letters, digits, "_" or "-"');
const PackId = z.string().min(1).max(200);
const AbsolutePath = z
  .string()
  .min(1, 'the path is empty')
  .max(4096)
  .refine((p) => !p.includes('\0'), 'the path holds a NUL character')
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'), 'the path must be absolute');

export const UploadFileDto = z.object({
  /** Relative path as dropped ("denoiser.onnx", "my-pack/denoiser.onnx"); the engine checks it. */
  name: z.string().min(1).max(1024),
  bytes: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});
export type UploadFileDto = z.infer<typeof UploadFileDto>;

export const ModelsImportPayload = z
  .object({
    /** Files or one folder or one archive, absolute (Electron). */
    paths: z.array(AbsolutePath).min(1).max(10_000).optional(),
    /** A finished upload (headless host). */
    uploadId: z.string().min(1).max(64).optional(),
    importId: OperationId.optional(),
    replace: z.boolean().optional(),
  })
  .refine((p) => (p.paths === undefined) !== (p.uploadId === undefined), 'give either paths or uploadId');
export type ModelsImportPayload = z.input<typeof ModelsImportPayload>;

export const ModelsImportResult = z.object({
  importId: z.string(),
  pack: ModelPackDto,
  replaced: z.boolean(),
});
export type ModelsImportResult = z.infer<typeof ModelsImportResult>;

export const ModelsProgressEvent = z.object({
  /** The import's id (for an upload, its uploadId), or the verification's. */
  importId: z.string(),
  operation: z.enum(['import', 'verify']),
  /** upload (bytes reaching the host), copy (into staging, hashed on the way), verify, then done or failed. */
  phase: z.enum(['upload', 'copy', 'verify', 'done', 'failed']),
  /** What is being worked on, for people: the dropped file names, or the pack id. */
  label: z.string(),
  bytes: z.number().nonnegative(),
  totalBytes: z.number().nonnegative().nullable(),
  files: z.number().int().nonnegative(),
  totalFiles: z.number().int().nonnegative().nullable(),
  /** Bytes per second over the phase so far. */
  rate: z.number().nonnegative(),
  etaMs: z.number().nonnegative().nullable(),
  /** The file being worked on. */
  file: z.string().optional(),
  /** The pack, once known (done). */
  packId: z.string().optional(),
  /** Why it failed (failed). */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type ModelsProgressEvent = z.infer<typeof ModelsProgressEvent>;

export const ModelsChangedEvent = z.object({
  reason: z.enum(['imported', 'removed', 'verified']),
  id: z.string().nullable(),
  packs: z.array(ModelPackDto),
});
export type ModelsChangedEvent = z.infer<typeof ModelsChangedEvent>;

export const modelsDomain = defineDomain('models', {
  invoke: {
    /** Every pack after the cheap size-and-mtime check. */
    'models.list': { payload: z.undefined(), result: z.array(ModelPackDto) },
    /** Re-hashes one pack, or all. */
    'models.verify': {
      payload: z.object({ id: PackId.optional(), verifyId: OperationId.optional() }).optional(),
      result: z.object({ ok: z.boolean(), problems: z.array(PackProblemDto), packs: z.array(ModelPackDto) }),
    },
    /** Removes an imported pack; a shipped one is read-only (MODEL_READ_ONLY). */
    'models.remove': { payload: z.object({ id: PackId }), result: z.object({ removed: ModelPackDto }) },
    'models.import': { payload: ModelsImportPayload, result: ModelsImportResult },
    /** Announces an upload (headless host only); answers where to PUT each file. */
    'models.uploadBegin': {
      payload: z.object({ files: z.array(UploadFileDto).min(1).max(10_000) }),
      result: z.object({ uploadId: z.string(), totalBytes: z.number().int().nonnegative(), urls: z.array(z.string()) }),
    },
    /** Drops an upload that will not be imported (its staged bytes are deleted). */
    'models.uploadCancel': { payload: z.object({ uploadId: z.string().min(1).max(64) }), result: z.object({ cancelled: z.boolean() }) },
  },
  events: {
    'models.progress': ModelsProgressEvent,
    'models.changed': ModelsChangedEvent,
  },
});
