import { z } from 'zod';
import { defineDomain } from './define';

// The jobs domain: the persistent render queue (engine/jobs) as the studio sees it. Submitting a
// timeline is one call (many jobs in one transaction); progress, previews and state changes arrive
// as events.

export const JobStateSchema = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);
export type JobStateDto = z.infer<typeof JobStateSchema>;

/** A render request as the queue accepts it; the engine checks the values (ranges, model, tier). */
export const JobRequestInput = z.object({
  prompt: z.string().min(1, 'prompt must not be empty').max(2000),
  negativePrompt: z.string().max(2000).optional(),
  seed: z.number().int().nonnegative().optional(),
  steps: z.number().int().positive().optional(),
  frames: z.number().int().positive().optional(),
  guidance: z.number().nonnegative().optional(),
  tier: z.enum(['eco', 'standard', 'premium']).optional(),
  model: z.string().min(1).optional(),
  upscale: z.boolean().optional(),
  device: z.enum(['auto', 'cuda', 'cpu']).optional(),
});
export type JobRequestInput = z.infer<typeof JobRequestInput>;

/** One shot to render; with projectDir and shotId its output goes to `<projectDir>/renders/<shotId>/`. */
export const ShotSubmission = z.object({
  request: JobRequestInput,
  projectId: z.string().min(1).max(200).optional(),
  projectDir: z.string().min(1).optional(),
  shotId: z.string().min(1).max(100).optional(),
});
export type ShotSubmission = z.infer<typeof ShotSubmission>;

export const JobDto = z.object({
  id: z.string().min(1),
  position: z.number().int(),
  state: JobStateSchema,
  prompt: z.string(),
  request: JobRequestInput.extend({ seed: z.number().int().nonnegative(), tier: z.string(), model: z.string(), device: z.string() }),
  output: z.string(),
  record: z.string(),
  projectId: z.string().nullable(),
  projectDir: z.string().nullable(),
  shotId: z.string().nullable(),
  attempts: z.number().int().nonnegative(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  progress: z.object({ stage: z.string(), step: z.number().int(), total: z.number().int(), etaMs: z.number().nullable() }).nullable(),
  cancelRequested: z.boolean(),
});
export type JobDto = z.infer<typeof JobDto>;

export const RecoveryDto = z.object({
  at: z.string(),
  previousRunnerPid: z.number().int().nullable(),
  requeued: z.array(z.string()),
  completed: z.array(z.string()),
  failed: z.array(z.string()),
  cancelled: z.array(z.string()),
  removedFiles: z.array(z.string()),
});

export const QueueStatusDto = z.object({
  paused: z.boolean(),
  pausedReason: z.enum(['user', 'unclean-shutdown']).nullable(),
  runnerPid: z.number().int().nullable(),
  counts: z.object({ queued: z.number().int(), running: z.number().int(), done: z.number().int(), failed: z.number().int(), cancelled: z.number().int() }),
  recovery: RecoveryDto.nullable(),
});
export type QueueStatusDto = z.infer<typeof QueueStatusDto>;

export const JobsSnapshot = z.object({
  jobs: z.array(JobDto),
  status: QueueStatusDto,
  /** Lines for people: a crash recovered, the library restored from its backup. */
  notices: z.array(z.string()),
});
export type JobsSnapshot = z.infer<typeof JobsSnapshot>;

const JobId = z.object({ id: z.string().min(1).max(200) });

export const JobProgressEvent = z.object({
  jobId: z.string(),
  stage: z.string(),
  step: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  etaMs: z.number().nonnegative().nullable(),
  elapsedMs: z.number().nonnegative(),
});
export type JobProgressEvent = z.infer<typeof JobProgressEvent>;

export const JobPreviewEvent = z.object({
  jobId: z.string(),
  /** A small PNG as a data: URL (the CSP allows img-src data:). */
  dataUrl: z.string().startsWith('data:image/'),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});
export type JobPreviewEvent = z.infer<typeof JobPreviewEvent>;

export const jobsDomain = defineDomain('jobs', {
  invoke: {
    'jobs.list': { payload: z.object({ limit: z.number().int().positive().max(100_000).optional() }).optional(), result: JobsSnapshot },
    'jobs.submit': { payload: z.object({ shots: z.array(ShotSubmission).min(1).max(10_000) }), result: z.object({ jobs: z.array(JobDto) }) },
    'jobs.cancel': { payload: JobId, result: JobDto },
    'jobs.retry': { payload: JobId, result: JobDto },
    'jobs.reorder': { payload: JobId.extend({ index: z.number().int().nonnegative() }), result: z.object({ queued: z.array(JobDto) }) },
    'jobs.pause': { payload: z.undefined(), result: QueueStatusDto },
    'jobs.resume': { payload: z.undefined(), result: QueueStatusDto },
  },
  events: {
    'jobs.job': JobDto,
    'jobs.progress': JobProgressEvent,
    'jobs.preview': JobPreviewEvent,
    'jobs.status': QueueStatusDto,
  },
});
