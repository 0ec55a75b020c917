// What the render queue stores and shows: the job states, the request a job renders, and the plain
// view of a job that the CLI prints and IPC carries. The request is checked with the render
// module's own schema (engine/render/request.ts), so the queue refuses exactly what `aiprod render`
// refuses, and at submit time rather than minutes later in the worker.
import { z } from 'zod';
import { inputError } from '../errors';
import { Device, parseRenderRequest, randomSeed, type RenderRequest } from '../render/request';

export const JOB_STATES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export const JobState = z.enum(JOB_STATES);
export type JobState = z.infer<typeof JobState>;

/**
 * Every state change the queue makes, and nothing else. `running -> queued` is an interrupted run
 * (runner stopped or crashed); `failed|cancelled -> queued` is a retry.
 */
export const ALLOWED_TRANSITIONS: Readonly<Record<JobState, readonly JobState[]>> = {
  queued: ['running', 'cancelled'],
  running: ['done', 'failed', 'cancelled', 'queued'],
  done: [],
  failed: ['queued'],
  cancelled: ['queued'],
};

export function isAllowedTransition(from: JobState, to: JobState): boolean {
  return ALLOWED_TRANSITIONS[from].includes(to);
}

/** A job's render request as stored: the render request with its seed fixed, plus the device. */
export interface JobRequest extends RenderRequest {
  /** Fixed at submit time, so that a run repeated after a crash renders the same frames. */
  seed: number;
  device: Device;
}

/** Where a job's output goes when it belongs to a project shot: `<projectDir>/renders/<shotId>/`. */
export interface JobPlacement {
  projectId?: string;
  projectDir?: string;
  shotId?: string;
}

/** One shot to render, as callers submit it (the CLI, IPC, a timeline). */
export interface JobSubmission extends JobPlacement {
  /** A render request (prompt, negativePrompt, seed, steps, guidance, frames, tier, model, upscale) plus device. */
  request: Record<string, unknown>;
}

/** Folder-safe shot ids: they become a folder name under the project's renders/. */
const SHOT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function checkShotId(shotId: string): string {
  if (!SHOT_ID.test(shotId) || shotId.includes('..')) {
    throw inputError('SHOT_ID_INVALID', `shot id ${JSON.stringify(shotId)} must be 1 to 100 letters, digits, ".", "_" or "-", starting with a letter or digit`, { field: 'shotId' });
  }
  return shotId;
}

/** Validates a submitted request (the render's rules plus the device) and fixes its seed. */
export function parseJobRequest(input: Record<string, unknown>): JobRequest {
  const { device: rawDevice, ...renderPart } = input;
  const device = Device.safeParse(rawDevice ?? 'auto');
  if (!device.success) throw inputError('INVALID_REQUEST', `device must be one of ${Device.options.join(', ')}, got ${JSON.stringify(rawDevice)}`, { field: 'device' });
  const parsed = parseRenderRequest(renderPart);
  return { ...parsed, seed: parsed.seed ?? randomSeed(), device: device.data };
}

export interface JobErrorInfo {
  code: string;
  message: string;
}

export interface JobProgress {
  stage: string;
  step: number;
  total: number;
  etaMs: number | null;
}

/** A job as the CLI prints it and IPC carries it. */
export interface JobView {
  id: string;
  position: number;
  state: JobState;
  prompt: string;
  request: JobRequest;
  /** The .mp4 the job writes (also before it exists). */
  output: string;
  /** The reproducibility record next to it. */
  record: string;
  projectId: string | null;
  projectDir: string | null;
  shotId: string | null;
  /** Runs started so far; a run interrupted by a crash counts. */
  attempts: number;
  error: JobErrorInfo | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  progress: JobProgress | null;
  /** A cancel was asked for while the job was running; the runner stops it. */
  cancelRequested: boolean;
}

export type PausedReason = 'user' | 'unclean-shutdown';

/** What happened when a start found the previous runner gone without shutting down. */
export interface QueueRecoveryReport {
  at: string;
  /** The runner that died. */
  previousRunnerPid: number | null;
  /** Jobs put back in the queue (state queued again, attempts kept: the lost run counts). */
  requeued: string[];
  /** Jobs whose output was complete on disk: the run had finished, only its bookkeeping was lost. */
  completed: string[];
  /** Jobs that had been interrupted too often and were failed instead of requeued. */
  failed: string[];
  /** Jobs whose cancel had been asked for: cancelled rather than run again. */
  cancelled: string[];
  /** Temporary and half-written files removed. */
  removedFiles: string[];
}

export interface QueueStatus {
  paused: boolean;
  pausedReason: PausedReason | null;
  /** The process working the queue now, if any. */
  runnerPid: number | null;
  counts: Record<JobState, number>;
  /** The last crash recovery, until the queue is resumed. */
  recovery: QueueRecoveryReport | null;
}
