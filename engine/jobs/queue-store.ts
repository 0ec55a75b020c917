// The render queue's persistent state, in the library database. Every state change is one
// IMMEDIATE transaction that reads the job's current state, refuses the change unless it is the
// expected one (JOB_STATE_CONFLICT), and writes the new state with everything that goes with it;
// so two processes (the studio and `aiprod queue ...`) can share the queue without losing or
// doubling a change. Events go out after the commit.
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { AiprodError, inputError } from '../errors';
import {
  checkShotId,
  isAllowedTransition,
  JOB_STATES,
  parseJobRequest,
  type JobErrorInfo,
  type JobProgress,
  type JobRequest,
  type JobState,
  type JobSubmission,
  type JobView,
  type PausedReason,
  type QueueRecoveryReport,
  type QueueStatus,
} from './job-model';
import { jobFiles } from './job-outputs';
import { QueueEvents } from './queue-events';
import { pauseAt, type PausePoint } from './test-hooks';

interface JobRow {
  id: string;
  position: number;
  state: JobState;
  request: string;
  output_path: string;
  record_path: string;
  project_id: string | null;
  project_dir: string | null;
  shot_id: string | null;
  attempts: number;
  error_code: string | null;
  error_message: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  progress_stage: string | null;
  progress_step: number | null;
  progress_total: number | null;
  progress_eta_ms: number | null;
  cancel_requested: number;
  worker_pid: number | null;
  result: string | null;
}

interface QueueStateRow {
  paused: number;
  paused_reason: PausedReason | null;
  runner_pid: number | null;
  runner_identity: string | null;
  runner_started_at: string | null;
  recovery: string | null;
}

/** A job whose run the runner is settling: the fields a transition needs. */
export interface RunningJobRef {
  id: string;
  output: string;
  record: string;
  attempts: number;
  cancelRequested: boolean;
  workerPid: number | null;
}

export interface JobQueueStoreOptions {
  /** Default folder of job outputs: $AIPROD_HOME/renders. */
  rendersDir: string;
  now?: () => Date;
  newJobId?: () => string;
  events?: QueueEvents;
}

export interface ListOptions {
  states?: readonly JobState[];
  limit?: number;
}

/** Most submissions in one call: a timeline is long, not endless. */
export const MAX_SUBMISSIONS = 10_000;

function newJobId(): string {
  return `job-${randomBytes(6).toString('hex')}`;
}

function toView(row: JobRow): JobView {
  const request = JSON.parse(row.request) as JobRequest;
  return {
    id: row.id,
    position: row.position,
    state: row.state,
    prompt: request.prompt,
    request,
    output: row.output_path,
    record: row.record_path,
    projectId: row.project_id,
    projectDir: row.project_dir,
    shotId: row.shot_id,
    attempts: row.attempts,
    error: row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? '' },
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    progress:
      row.progress_stage === null
        ? null
        : { stage: row.progress_stage, step: row.progress_step ?? 0, total: row.progress_total ?? 0, etaMs: row.progress_eta_ms },
    cancelRequested: row.cancel_requested === 1,
  };
}

function notFound(id: string): AiprodError {
  return inputError('JOB_NOT_FOUND', `no job ${JSON.stringify(id)} in the queue`, { jobId: id });
}

function conflict(id: string, actual: JobState, expected: readonly JobState[], action: string): AiprodError {
  return inputError('JOB_STATE_CONFLICT', `cannot ${action} job ${id}: it is ${actual}, not ${expected.join(' or ')}`, { jobId: id, state: actual, expected: [...expected] });
}

export class JobQueueStore {
  readonly events: QueueEvents;
  readonly rendersDir: string;
  private readonly now: () => Date;
  private readonly makeId: () => string;
  private readonly q;

  constructor(
    readonly db: Database.Database,
    options: JobQueueStoreOptions,
  ) {
    this.events = options.events ?? new QueueEvents();
    this.rendersDir = path.resolve(options.rendersDir);
    this.now = options.now ?? (() => new Date());
    this.makeId = options.newJobId ?? newJobId;
    this.q = {
      row: db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?'),
      stateOf: db.prepare<[string], { state: JobState }>('SELECT state FROM jobs WHERE id = ?'),
      maxPosition: db.prepare<[], { p: number | null }>('SELECT MAX(position) AS p FROM jobs'),
      insert: db.prepare(
        `INSERT INTO jobs (id, position, state, request, output_path, record_path, project_id, project_dir, shot_id, created_at)
         VALUES (@id, @position, 'queued', @request, @output, @record, @projectId, @projectDir, @shotId, @createdAt)`,
      ),
      nextQueued: db.prepare<[], { id: string }>("SELECT id FROM jobs WHERE state = 'queued' ORDER BY position LIMIT 1"),
      claim: db.prepare(
        `UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = ?, finished_at = NULL, error_code = NULL, error_message = NULL,
           progress_stage = NULL, progress_step = NULL, progress_total = NULL, progress_eta_ms = NULL, worker_pid = NULL, result = NULL
         WHERE id = ? AND state = 'queued'`,
      ),
      finish: db.prepare(
        `UPDATE jobs SET state = @to, finished_at = @at, error_code = @errorCode, error_message = @errorMessage, result = @result,
           progress_stage = NULL, progress_step = NULL, progress_total = NULL, progress_eta_ms = NULL, worker_pid = NULL, cancel_requested = 0
         WHERE id = @id AND state = @from`,
      ),
      requeue: db.prepare(
        `UPDATE jobs SET state = 'queued', position = COALESCE(@position, position), started_at = NULL, finished_at = NULL, error_code = NULL, error_message = NULL,
           result = NULL, progress_stage = NULL, progress_step = NULL, progress_total = NULL, progress_eta_ms = NULL, worker_pid = NULL, cancel_requested = 0
         WHERE id = @id AND state = @from`,
      ),
      requestCancel: db.prepare("UPDATE jobs SET cancel_requested = 1 WHERE id = ? AND state = 'running'"),
      progress: db.prepare("UPDATE jobs SET progress_stage = ?, progress_step = ?, progress_total = ?, progress_eta_ms = ? WHERE id = ? AND state = 'running'"),
      workerPid: db.prepare("UPDATE jobs SET worker_pid = ? WHERE id = ? AND state = 'running'"),
      queuedInOrder: db.prepare<[], { id: string; position: number }>("SELECT id, position FROM jobs WHERE state = 'queued' ORDER BY position"),
      setPosition: db.prepare('UPDATE jobs SET position = ? WHERE id = ?'),
      counts: db.prepare<[], { state: JobState; n: number }>('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state'),
      queueState: db.prepare<[], QueueStateRow>('SELECT paused, paused_reason, runner_pid, runner_identity, runner_started_at, recovery FROM queue_state WHERE id = 1'),
      setPaused: db.prepare('UPDATE queue_state SET paused = ?, paused_reason = ?, paused_at = ? WHERE id = 1'),
      running: db.prepare<[], JobRow>("SELECT * FROM jobs WHERE state = 'running' ORDER BY position"),
      cancelRequested: db.prepare<[], { id: string }>("SELECT id FROM jobs WHERE state = 'running' AND cancel_requested = 1"),
      setRecovery: db.prepare('UPDATE queue_state SET recovery = ? WHERE id = 1'),
    };
  }

  // ---- reading -------------------------------------------------------------------------------

  find(id: string): JobView | undefined {
    const row = this.q.row.get(id);
    return row === undefined ? undefined : toView(row);
  }

  get(id: string): JobView {
    const job = this.find(id);
    if (job === undefined) throw notFound(id);
    return job;
  }

  /** Jobs in queue order (position), optionally of some states only. */
  list(options: ListOptions = {}): JobView[] {
    const states = options.states ?? [];
    const where = states.length > 0 ? `WHERE state IN (${states.map(() => '?').join(', ')})` : '';
    const limit = options.limit !== undefined ? `LIMIT ${Math.max(0, Math.floor(options.limit))}` : '';
    const rows = this.db.prepare<string[], JobRow>(`SELECT * FROM jobs ${where} ORDER BY position ${limit}`).all(...states);
    return rows.map(toView);
  }

  /** The most recently finished jobs (done, failed, cancelled), newest first. */
  recentlyFinished(limit: number): JobView[] {
    return this.db
      .prepare<[number], JobRow>("SELECT * FROM jobs WHERE state IN ('done', 'failed', 'cancelled') ORDER BY finished_at DESC, position DESC LIMIT ?")
      .all(Math.max(0, Math.floor(limit)))
      .map(toView);
  }

  status(): QueueStatus {
    const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
    for (const { state, n } of this.q.counts.all()) counts[state] = n;
    const row = this.queueStateRow();
    return {
      paused: row.paused === 1,
      pausedReason: row.paused === 1 ? (row.paused_reason ?? 'user') : null,
      runnerPid: row.runner_pid,
      counts,
      recovery: row.recovery === null ? null : (JSON.parse(row.recovery) as QueueRecoveryReport),
    };
  }

  queueStateRow(): QueueStateRow {
    const row = this.q.queueState.get();
    if (row === undefined) throw new AiprodError('QUEUE_STATE_MISSING', 'the library database has no queue_state row (the jobs migration did not run)');
    return row;
  }

  /** Running jobs, for the runner's recovery. */
  runningJobs(): RunningJobRef[] {
    return this.q.running.all().map((row) => ({
      id: row.id,
      output: row.output_path,
      record: row.record_path,
      attempts: row.attempts,
      cancelRequested: row.cancel_requested === 1,
      workerPid: row.worker_pid,
    }));
  }

  /** Running jobs whose cancel has been asked for (possibly by another process). */
  cancelRequestedIds(): string[] {
    return this.q.cancelRequested.all().map((r) => r.id);
  }

  // ---- submitting ----------------------------------------------------------------------------

  submit(submission: JobSubmission): JobView {
    const [job] = this.submitMany([submission]);
    return job as JobView;
  }

  /**
   * Adds shots to the end of the queue, in order, in one transaction: all of them or, when one is
   * refused, none (the error names which).
   */
  submitMany(submissions: readonly JobSubmission[]): JobView[] {
    if (submissions.length === 0) throw inputError('NO_SHOTS', 'nothing to submit: the list of shots is empty');
    if (submissions.length > MAX_SUBMISSIONS) throw inputError('TOO_MANY_SHOTS', `at most ${MAX_SUBMISSIONS} shots can be submitted at once, got ${submissions.length}`);
    const prepared = submissions.map((submission, index) => {
      try {
        return this.prepareSubmission(submission);
      } catch (error) {
        if (submissions.length === 1 || !(error instanceof AiprodError)) throw error;
        throw new AiprodError(error.code, `shot ${index + 1} of ${submissions.length}: ${error.message}`, { kind: error.kind, detail: { ...error.detail, index }, cause: error });
      }
    });
    const createdAt = this.now().toISOString();
    const rows = this.db
      .transaction(() => {
        let position = this.q.maxPosition.get()?.p ?? 0;
        return prepared.map((p) => {
          position++;
          this.q.insert.run({ ...p, request: p.requestJson, position, createdAt });
          return { ...p, position };
        });
      })
      .immediate();
    // Built from what was inserted (not read back): a timeline of thousands of shots stays one quick call.
    const jobs = rows.map(
      (r): JobView => ({
        id: r.id,
        position: r.position,
        state: 'queued',
        prompt: r.request.prompt,
        request: r.request,
        output: r.output,
        record: r.record,
        projectId: r.projectId,
        projectDir: r.projectDir,
        shotId: r.shotId,
        attempts: 0,
        error: null,
        createdAt,
        startedAt: null,
        finishedAt: null,
        progress: null,
        cancelRequested: false,
      }),
    );
    for (const job of jobs) this.events.emit({ type: 'job', job });
    return jobs;
  }

  private prepareSubmission(submission: JobSubmission) {
    const request = parseJobRequest(submission.request);
    const { projectId, projectDir, shotId } = submission;
    if (projectDir !== undefined) {
      if (shotId === undefined) throw inputError('SHOT_ID_REQUIRED', 'a job placed in a project needs the shot id its renders go under', { field: 'shotId' });
      let isDir = false;
      try {
        isDir = statSync(projectDir).isDirectory();
      } catch {
        isDir = false;
      }
      if (!isDir) throw inputError('PROJECT_DIR_MISSING', `project folder ${path.resolve(projectDir)} does not exist`, { field: 'projectDir', path: path.resolve(projectDir) });
    }
    if (shotId !== undefined) checkShotId(shotId);
    const id = this.makeId();
    const files = jobFiles(id, { ...(projectDir === undefined ? {} : { projectDir }), ...(shotId === undefined ? {} : { shotId }) }, this.rendersDir);
    return {
      id,
      request,
      requestJson: JSON.stringify(request),
      output: files.output,
      record: files.record,
      projectId: projectId ?? null,
      projectDir: projectDir === undefined ? null : path.resolve(projectDir),
      shotId: shotId ?? null,
    };
  }

  // ---- transitions ---------------------------------------------------------------------------

  /** Runs `write` in an IMMEDIATE transaction after checking the job's state; returns the job as committed. */
  private transition(id: string, expected: readonly JobState[], to: JobState, action: string, write: (from: JobState) => void, hook?: PausePoint): JobView {
    const view = this.db
      .transaction(() => {
        const current = this.q.stateOf.get(id);
        if (current === undefined) throw notFound(id);
        if (!expected.includes(current.state)) throw conflict(id, current.state, expected, action);
        if (!isAllowedTransition(current.state, to)) throw conflict(id, current.state, expected, action);
        write(current.state);
        const row = this.q.row.get(id) as JobRow;
        if (hook !== undefined) pauseAt(hook, id);
        return toView(row);
      })
      .immediate();
    this.events.emit({ type: 'job', job: view });
    return view;
  }

  /** The first queued job becomes running (attempts + 1), unless the queue is paused. */
  claimNext(): JobView | undefined {
    const view = this.db
      .transaction(() => {
        if (this.queueStateRow().paused === 1) return undefined;
        const next = this.q.nextQueued.get();
        if (next === undefined) return undefined;
        this.q.claim.run(this.now().toISOString(), next.id);
        const row = this.q.row.get(next.id) as JobRow;
        pauseAt('claim-commit', next.id);
        return toView(row);
      })
      .immediate();
    if (view !== undefined) this.events.emit({ type: 'job', job: view });
    return view;
  }

  /** A specific queued job becomes running (attempts + 1). */
  claim(id: string): JobView {
    return this.transition(id, ['queued'], 'running', 'start', () => this.q.claim.run(this.now().toISOString(), id), 'claim-commit');
  }

  complete(id: string, result: Record<string, unknown>): JobView {
    return this.transition(
      id,
      ['running'],
      'done',
      'complete',
      () => this.q.finish.run({ id, from: 'running', to: 'done', at: this.now().toISOString(), errorCode: null, errorMessage: null, result: JSON.stringify(result) }),
      'done-commit',
    );
  }

  fail(id: string, error: JobErrorInfo): JobView {
    return this.transition(
      id,
      ['running'],
      'failed',
      'fail',
      () => this.q.finish.run({ id, from: 'running', to: 'failed', at: this.now().toISOString(), errorCode: error.code, errorMessage: error.message, result: null }),
      'failed-commit',
    );
  }

  /** A running job stopped because its cancel was asked for. */
  markCancelled(id: string, message = 'cancelled while running'): JobView {
    return this.transition(id, ['running'], 'cancelled', 'cancel', () =>
      this.q.finish.run({ id, from: 'running', to: 'cancelled', at: this.now().toISOString(), errorCode: 'CANCELLED', errorMessage: message, result: null }),
    );
  }

  /** A running job whose run was interrupted (runner stopped): back in the queue at its place. */
  requeue(id: string): JobView {
    return this.transition(id, ['running'], 'queued', 'requeue', () => this.q.requeue.run({ id, from: 'running', position: null }));
  }

  /**
   * Cancels a job: a queued one at once; a running one is flagged and its runner stops it (it may
   * be another process). Done, failed and cancelled jobs cannot be cancelled.
   */
  cancel(id: string): JobView {
    const current = this.find(id);
    if (current === undefined) throw notFound(id);
    if (current.state === 'running') {
      const changed = this.db.transaction(() => this.q.requestCancel.run(id).changes).immediate();
      if (changed === 1) {
        const job = this.get(id);
        this.events.emit({ type: 'job', job });
        return job;
      }
      // It finished meanwhile: fall through to the checked transition for the exact error.
    }
    return this.transition(id, ['queued'], 'cancelled', 'cancel', () =>
      this.q.finish.run({ id, from: 'queued', to: 'cancelled', at: this.now().toISOString(), errorCode: 'CANCELLED', errorMessage: 'cancelled before it started', result: null }),
    );
  }

  /** A failed or cancelled job goes back in the queue, at the end; its attempts are kept. */
  retry(id: string): JobView {
    return this.transition(id, ['failed', 'cancelled'], 'queued', 'retry', (from) => {
      const position = (this.q.maxPosition.get()?.p ?? 0) + 1;
      this.q.requeue.run({ id, from, position });
    });
  }

  /** Moves a queued job to `index` (0 = runs next) among the queued jobs. */
  reorder(id: string, index: number): JobView[] {
    if (!Number.isInteger(index) || index < 0) throw inputError('INVALID_INDEX', `the new place must be a whole number from 0, got ${index}`, { field: 'index' });
    this.db
      .transaction(() => {
        const current = this.q.stateOf.get(id);
        if (current === undefined) throw notFound(id);
        if (current.state !== 'queued') throw conflict(id, current.state, ['queued'], 'move');
        const queued = this.q.queuedInOrder.all();
        const positions = queued.map((r) => r.position);
        const order = queued.map((r) => r.id).filter((x) => x !== id);
        order.splice(Math.min(index, order.length), 0, id);
        // The same set of positions, handed out in the new order: jobs in other states keep theirs.
        order.forEach((jobId, i) => this.q.setPosition.run(positions[i] as number, jobId));
      })
      .immediate();
    const queued = this.list({ states: ['queued'] });
    this.events.emit({ type: 'queue', status: this.status() });
    return queued;
  }

  /** Progress of a running job, for `queue list` and a studio opened mid-render (no event: the runner sends those). */
  setProgress(id: string, progress: JobProgress): void {
    this.q.progress.run(progress.stage, progress.step, progress.total, progress.etaMs === null ? null : Math.round(progress.etaMs), id);
  }

  setWorkerPid(id: string, pid: number | null): void {
    this.q.workerPid.run(pid, id);
  }

  // ---- the queue as a whole ------------------------------------------------------------------

  pause(reason: PausedReason = 'user'): QueueStatus {
    this.db.transaction(() => this.q.setPaused.run(1, reason, this.now().toISOString())).immediate();
    const status = this.status();
    this.events.emit({ type: 'queue', status });
    return status;
  }

  /** Unpauses and forgets the last crash recovery report (the user has seen it). */
  resume(): QueueStatus {
    this.db
      .transaction(() => {
        this.q.setPaused.run(0, null, null);
        this.q.setRecovery.run(null);
      })
      .immediate();
    const status = this.status();
    this.events.emit({ type: 'queue', status });
    return status;
  }

  /** For the runner and recovery: plain statements inside their own transactions. */
  internals() {
    return {
      requeueWithin: (id: string) => this.q.requeue.run({ id, from: 'running', position: null }).changes,
      finishWithin: (id: string, to: 'done' | 'failed' | 'cancelled', error: JobErrorInfo | null, result: Record<string, unknown> | null) =>
        this.q.finish.run({
          id,
          from: 'running',
          to,
          at: this.now().toISOString(),
          errorCode: error?.code ?? null,
          errorMessage: error?.message ?? null,
          result: result === null ? null : JSON.stringify(result),
        }).changes,
      setPausedWithin: (reason: PausedReason) => this.q.setPaused.run(1, reason, this.now().toISOString()),
      setRecoveryWithin: (report: QueueRecoveryReport) => this.q.setRecovery.run(JSON.stringify(report)),
      now: () => this.now(),
    };
  }
}
