import { z } from 'zod';
import { defineDomain } from './define';

// The qa domain: the QA figures of one render (stored next to it as <job>.qa.json), a fresh analysis
// (PSNR/SSIM against a reference, temporal stability, flicker, prompt adherence) and the re-render
// check. Analyses and re-renders run in a QA process of their own, never in the shell's event loop;
// the page names each run with an id of its own making, so it can cancel it and tell its progress
// events apart while the call is still waiting.
//
// The shapes below are written twice: here and in engine/qa (qa-documents.ts, qa-file.ts,
// thresholds.ts), because electron/common imports nothing of ours. A compile-time check in
// electron/handlers/qa.ts and tests/unit/electron/common/qa-contract.test.ts keep them equal.
// PSNR is a number of dB, the string "inf" for identical frames (JSON has no Infinity), or null.

// --- thresholds (project settings) ----------------------------------------------------------------

export const QA_THRESHOLD_LIMITS = {
  minSsim: { min: 0, max: 1 },
  minPsnr: { min: 0, max: 100 },
  maxFlicker: { min: 0, max: 255 },
  minPromptAdherence: { min: 0, max: 1 },
} as const;

const bounded = (name: string, range: { min: number; max: number }) =>
  z
    .number({ error: `${name} must be a number` })
    .min(range.min, `${name} must be between ${range.min} and ${range.max}`)
    .max(range.max, `${name} must be between ${range.min} and ${range.max}`)
    .nullable();

/** The quality bar of a project's renders; null turns a check off. */
export const QaThresholds = z
  .object({
    minSsim: bounded('minimum SSIM', QA_THRESHOLD_LIMITS.minSsim),
    minPsnr: bounded('minimum PSNR', QA_THRESHOLD_LIMITS.minPsnr),
    maxFlicker: bounded('maximum flicker', QA_THRESHOLD_LIMITS.maxFlicker),
    minPromptAdherence: bounded('minimum prompt adherence', QA_THRESHOLD_LIMITS.minPromptAdherence),
  })
  .strict();
export type QaThresholds = z.infer<typeof QaThresholds>;

export const DEFAULT_QA_THRESHOLDS: QaThresholds = { minSsim: 0.9, minPsnr: 30, maxFlicker: 4, minPromptAdherence: 0.66 };

// --- documents ------------------------------------------------------------------------------------

export const DbJson = z.union([z.number(), z.literal('inf')]).nullable();
export type DbJson = z.infer<typeof DbJson>;

const Attribute = z.string().nullable();

export const PromptQaDto = z.discriminatedUnion('scored', [
  z.object({
    text: z.string(),
    scored: z.literal(true),
    model: z.string(),
    judge: z.literal('aiprod-nano-analytic'),
    expected: z.object({ colour: Attribute, shape: Attribute, motion: Attribute, background: Attribute }),
    observed: z.object({
      colour: z.string(),
      motion: z.string(),
      shape: z.string(),
      confidence: z.object({ colour: z.number(), motion: z.number(), shape: z.number() }),
      validFrames: z.number().int().nonnegative(),
    }),
    matches: z.object({ colour: z.boolean().nullable(), motion: z.boolean().nullable(), shape: z.boolean().nullable() }),
    score: z.number().min(0).max(1).nullable(),
    notes: z.array(z.string()),
  }),
  z.object({ text: z.string(), scored: z.literal(false), model: z.string().nullable(), reason: z.string() }),
]);
export type PromptQaDto = z.infer<typeof PromptQaDto>;

export const QaFrameDto = z.object({
  index: z.number().int().nonnegative(),
  psnr: DbJson,
  ssim: z.number().nullable(),
  ssimFfmpeg: z.number().nullable(),
  ssimToPrevious: z.number().nullable(),
  meanLuma: z.number(),
});

export const QaReportDto = z.object({
  video: z.string().nullable(),
  reference: z.string().nullable(),
  frames: z.number().int().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  fps: z.number().nullable(),
  psnr: DbJson,
  ssim: z.number().nullable(),
  ssimFfmpeg: z.number().nullable(),
  temporal: z.object({ meanFrameSsim: z.number().nullable(), minFrameSsim: z.number().nullable(), flicker: z.number().nullable() }),
  perFrame: z.array(QaFrameDto),
  policy: z.object({ frames: z.string() }).optional(),
  prompt: PromptQaDto.optional(),
  method: z.object({ plane: z.string(), psnr: z.string(), ssim: z.string(), ssimFfmpeg: z.string(), temporal: z.string() }),
});
export type QaReportDto = z.infer<typeof QaReportDto>;

export const QaAnalysisDto = z.object({ at: z.string(), report: QaReportDto });
export type QaAnalysisDto = z.infer<typeof QaAnalysisDto>;

const FactValue = z.union([z.string(), z.number(), z.boolean()]).nullable();
export const DifferenceDto = z.object({
  kind: z.enum(['settings', 'model', 'provider', 'engine', 'runtime', 'frames', 'output']),
  field: z.string(),
  recorded: FactValue,
  now: FactValue,
});
export type DifferenceDto = z.infer<typeof DifferenceDto>;

const Pair = z.object({ recorded: z.string(), now: z.string(), equal: z.boolean() });

export const RERENDER_STATUSES = ['passed', 'failed', 'differs-across-providers'] as const;

export const RerenderCheckDto = z.object({
  format: z.literal('aiprod-rerender-check/1'),
  checkedAt: z.string(),
  record: z.string(),
  video: z.string().nullable(),
  status: z.enum(RERENDER_STATUSES),
  summary: z.string(),
  sameProvider: z.boolean(),
  framesIdentical: z.boolean(),
  reasons: z.array(z.string()),
  notes: z.array(z.string()),
  provider: z.object({ recorded: z.string(), now: z.string() }),
  frameHash: Pair,
  outputSha256: Pair,
  psnr: DbJson,
  ssim: z.number().nullable(),
  ssimFfmpeg: z.number().nullable(),
  comparedFrames: z.number().int().nonnegative().nullable(),
  comparison: z.string().nullable(),
  originalVideo: z.enum(['matches-record', 'modified', 'missing']),
  environment: z.object({ differs: z.boolean(), differences: z.array(DifferenceDto) }),
  differences: z.array(DifferenceDto),
  rerender: z.object({ device: z.string(), output: z.string().nullable(), totalMs: z.number().nonnegative() }),
});
export type RerenderCheckDto = z.infer<typeof RerenderCheckDto>;

/** What the render's record says about it, for the panel (null fields: the record does not say). */
export const RenderFactsDto = z.object({
  createdAt: z.string().nullable(),
  prompt: z.string(),
  seed: z.number().int().nonnegative(),
  steps: z.number().int().positive(),
  frames: z.number().int().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  fps: z.number().positive(),
  executionProvider: z.string(),
  model: z.object({ id: z.string(), version: z.string() }),
  frameHash: z.string(),
});
export type RenderFactsDto = z.infer<typeof RenderFactsDto>;

export const QaStoredDto = z.object({
  /** The render's video (absolute). */
  video: z.string(),
  /** Its reproducibility record, or null when there is none next to it. */
  record: z.string().nullable(),
  /** `<job>.qa.json`, where the figures below are kept. */
  qaFile: z.string(),
  render: RenderFactsDto.nullable(),
  /** Why `render` is null although a record is there (it cannot be read as one). */
  recordProblem: z.string().nullable(),
  analysis: QaAnalysisDto.nullable(),
  rerender: RerenderCheckDto.nullable(),
});
export type QaStoredDto = z.infer<typeof QaStoredDto>;

// --- payloads, results, events --------------------------------------------------------------------

/** Absolute (POSIX or Windows), no NUL: projects.ts's AbsolutePath, restated because projects.ts
 * imports this file (the thresholds live in the project settings) and a cycle would not load. */
const AbsolutePath = z
  .string()
  .min(1, 'the path is empty')
  .max(4096, 'the path is longer than 4096 characters')
  .refine((p) => !p.includes('\0'), 'the path holds a NUL character')
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'), 'the path must be absolute');

export const QaRunId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a QA run id is 1 to 64 letters, digits, "_" or "-"');

export const QaProgressEvent = z.object({
  runId: QaRunId,
  /** 'metrics', 'prompt', 'environment', 'render:<stage>', 'compare', 'done'. */
  stage: z.string(),
  step: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
});
export type QaProgressEvent = z.infer<typeof QaProgressEvent>;

export const QaRunResult = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('done'), analysis: QaAnalysisDto, qaFile: z.string() }),
  z.object({ kind: z.literal('cancelled') }),
]);
export type QaRunResult = z.infer<typeof QaRunResult>;

export const QaRerenderResult = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('done'), check: RerenderCheckDto, qaFile: z.string() }),
  z.object({ kind: z.literal('cancelled') }),
]);
export type QaRerenderResult = z.infer<typeof QaRerenderResult>;

export const qaDomain = defineDomain('qa', {
  invoke: {
    /** The stored QA of a render: its record's facts, the last analysis and the last re-render check. */
    'qa.get': { payload: z.object({ path: AbsolutePath }).strict(), result: QaStoredDto },
    /** Analyses a render's video (and stores the figures with it). */
    'qa.run': {
      payload: z.object({ runId: QaRunId, output: AbsolutePath, reference: AbsolutePath.optional(), prompt: z.string().max(2000).optional() }).strict(),
      result: QaRunResult,
    },
    /** Renders the shot of a record again and compares (and stores the check with the render). */
    'qa.rerender': {
      payload: z.object({ runId: QaRunId, record: AbsolutePath, device: z.enum(['auto', 'cuda', 'cpu']).optional() }).strict(),
      result: QaRerenderResult,
    },
    /** Stops a running analysis or re-render; false when no such run is going. */
    'qa.cancel': { payload: z.object({ runId: QaRunId }).strict(), result: z.object({ cancelled: z.boolean() }) },
  },
  events: {
    'qa.progress': QaProgressEvent,
  },
});
