// Messages between a caller (CLI, Electron main, headless host) and the render worker process.
// Both sides parse what they receive with these schemas: the other end is a separate process that
// may be a different build, or may have crashed half-way through a message.
import { z } from 'zod';
import { Device } from '../render/request';
import { RenderProgress, RenderShotResult } from '../render/result';

export const PROTOCOL_VERSION = 1;

const JobId = z.string().min(1).max(200);

/** Where and how the worker renders; the request itself is validated by the render module. */
export const RenderJobOptions = z.object({
  output: z.string().min(1),
  packSearchDirs: z.array(z.string()),
  device: Device,
  overwrite: z.boolean().default(false),
  /** Send low-resolution previews of the frame being denoised. */
  previews: z.boolean().default(false),
});
export type RenderJobOptions = z.input<typeof RenderJobOptions>;

export const RenderMessage = z.object({
  type: z.literal('render'),
  jobId: JobId,
  request: z.record(z.string(), z.unknown()),
  options: RenderJobOptions,
});
export const CancelMessage = z.object({ type: z.literal('cancel'), jobId: JobId });
export const ShutdownMessage = z.object({ type: z.literal('shutdown') });
/** The estimates' first-use micro-benchmark of a pack (engine/cost/calibrate-pack); cancelled like a render. */
export const CalibrateMessage = z.object({
  type: z.literal('calibrate'),
  jobId: JobId,
  options: z.object({ packId: z.string().min(1), packSearchDirs: z.array(z.string()), device: Device, home: z.string().min(1) }),
});

export const ToWorker = z.discriminatedUnion('type', [RenderMessage, CancelMessage, ShutdownMessage, CalibrateMessage]);
export type ToWorker = z.input<typeof ToWorker>;

/** An error as it crosses the process boundary: engine/errors' shape plus the kind (exit status). */
export const WireError = z.object({
  code: z.string().min(1),
  message: z.string(),
  kind: z.enum(['input', 'work']),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type WireError = z.infer<typeof WireError>;

export const ReadyMessage = z.object({ type: z.literal('ready'), protocol: z.number().int(), pid: z.number().int() });
export const ProgressMessage = z.object({ type: z.literal('progress'), jobId: JobId, progress: RenderProgress });
export const PreviewMessage = z.object({
  type: z.literal('preview'),
  jobId: JobId,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** Raw RGB24, row-major, base64: structured-clone and JSON channels both carry it unchanged. */
  rgbBase64: z.string(),
});
export const DoneMessage = z.object({ type: z.literal('done'), jobId: JobId, result: RenderShotResult });
export const FailedMessage = z.object({ type: z.literal('failed'), jobId: JobId, error: WireError });
/** A calibration finished; its progress came as progress messages of stage 'calibrate' (step = run). */
export const CalibratedMessage = z.object({
  type: z.literal('calibrated'),
  jobId: JobId,
  result: z.object({ packId: z.string(), provider: z.enum(['cuda', 'cpu']), runs: z.number().int().nonnegative(), measuredNow: z.boolean() }),
});
/** The worker could not understand a message; it names what was wrong. */
export const ProtocolErrorMessage = z.object({ type: z.literal('protocol-error'), message: z.string() });

export const FromWorker = z.discriminatedUnion('type', [ReadyMessage, ProgressMessage, PreviewMessage, DoneMessage, FailedMessage, ProtocolErrorMessage, CalibratedMessage]);
export type FromWorker = z.infer<typeof FromWorker>;

/** A one-line description of why a message failed its schema, for the protocol error. */
export function describeSchemaError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid message';
  const where = issue.path.length > 0 ? issue.path.map(String).join('.') : 'message';
  return `${where}: ${issue.message}`;
}
