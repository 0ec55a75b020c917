// The QA documents as JSON: a QA report (report.ts) and a re-render check (rerender.ts), as they are
// stored next to a render (qa-file.ts), cross process boundaries and are printed by `aiprod qa
// --json`. JSON has no Infinity, so a PSNR of identical frames is the string "inf" here (null still
// means "not measured"). The schemas read files back from disk, where anything may be.
//
// electron/common/channels/qa.ts holds the same shapes for the IPC contract (it imports nothing of
// ours); tests/unit/electron/common/qa-contract.test.ts proves the two agree.
import { z } from 'zod';
import type { PromptQa } from './prompt-adherence';
import type { QaFrame, QaReport } from './report';

/** A PSNR in dB, "inf" for identical frames, null when not measured. */
export const DbJson = z.union([z.number(), z.literal('inf')]).nullable();
export type DbJson = z.infer<typeof DbJson>;

export function dbToJson(value: number | null): DbJson {
  return value === Infinity ? 'inf' : value;
}

const Attribute = z.string().nullable();
const Unit = z.number();

export const PromptQaJson = z.discriminatedUnion('scored', [
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
      confidence: z.object({ colour: Unit, motion: Unit, shape: Unit }),
      validFrames: z.number().int().nonnegative(),
    }),
    matches: z.object({ colour: z.boolean().nullable(), motion: z.boolean().nullable(), shape: z.boolean().nullable() }),
    score: z.number().min(0).max(1).nullable(),
    notes: z.array(z.string()),
  }),
  z.object({ text: z.string(), scored: z.literal(false), model: z.string().nullable(), reason: z.string() }),
]);
export type PromptQaJson = z.infer<typeof PromptQaJson>;

export const QaFrameJson = z.object({
  index: z.number().int().nonnegative(),
  psnr: DbJson,
  ssim: z.number().nullable(),
  ssimFfmpeg: z.number().nullable(),
  ssimToPrevious: z.number().nullable(),
  meanLuma: z.number(),
});

export const QaReportJson = z.object({
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
  perFrame: z.array(QaFrameJson),
  policy: z.object({ frames: z.string() }).optional(),
  prompt: PromptQaJson.optional(),
  method: z.object({ plane: z.string(), psnr: z.string(), ssim: z.string(), ssimFfmpeg: z.string(), temporal: z.string() }),
});
export type QaReportJson = z.infer<typeof QaReportJson>;

/** The report with its Infinity values as "inf". */
export function qaReportJson(report: QaReport): QaReportJson {
  const frame = (f: QaFrame) => ({ ...f, psnr: dbToJson(f.psnr) });
  return { ...report, psnr: dbToJson(report.psnr), perFrame: report.perFrame.map(frame) };
}

// Compile-time: the engine's report and prompt entry fit these schemas (a field added there must be
// added here, or it would be dropped when stored).
type Assert<T extends true> = T;
export type PromptQaFits = Assert<PromptQa extends PromptQaJson ? true : false>;
export type QaReportFits = Assert<ReturnType<typeof qaReportJson> extends QaReportJson ? true : false>;

// --- the re-render check ---------------------------------------------------------------------------

export const RERENDER_CHECK_FORMAT = 'aiprod-rerender-check/1';

const FactValue = z.union([z.string(), z.number(), z.boolean()]).nullable();
export const DifferenceJson = z.object({
  kind: z.enum(['settings', 'model', 'provider', 'engine', 'runtime', 'frames', 'output']),
  field: z.string(),
  recorded: FactValue,
  now: FactValue,
});

const Pair = z.object({ recorded: z.string(), now: z.string(), equal: z.boolean() });

export const RerenderCheck = z.object({
  format: z.literal(RERENDER_CHECK_FORMAT),
  checkedAt: z.string(),
  /** The record checked (absolute path). */
  record: z.string(),
  /** The video the record describes, when it was found. */
  video: z.string().nullable(),
  status: z.enum(['passed', 'failed', 'differs-across-providers']),
  /** One line saying what happened. */
  summary: z.string(),
  sameProvider: z.boolean(),
  framesIdentical: z.boolean(),
  reasons: z.array(z.string()),
  notes: z.array(z.string()),
  provider: z.object({ recorded: z.string(), now: z.string() }),
  frameHash: Pair,
  outputSha256: Pair,
  /** Of the re-render against the original video, on Y; "inf" when identical. */
  psnr: DbJson,
  ssim: z.number().nullable(),
  ssimFfmpeg: z.number().nullable(),
  comparedFrames: z.number().int().nonnegative().nullable(),
  /** Why PSNR/SSIM are missing or partial (no original video, other size, trimmed), else null. */
  comparison: z.string().nullable(),
  /** Whether the video on disk is still the one the record hashed. */
  originalVideo: z.enum(['matches-record', 'modified', 'missing']),
  /** Found before rendering: the installed pack and this machine's versions against the record. */
  environment: z.object({ differs: z.boolean(), differences: z.array(DifferenceJson) }),
  /** The record against the re-render's record, inputs first. */
  differences: z.array(DifferenceJson),
  rerender: z.object({ device: z.string(), output: z.string().nullable(), totalMs: z.number().nonnegative() }),
});
export type RerenderCheck = z.infer<typeof RerenderCheck>;
