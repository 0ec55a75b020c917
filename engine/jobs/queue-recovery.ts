// What a start does when the last runner died without shutting down (its marker names a process
// that is gone, or jobs say "running" with no runner at all): every job it was running is settled
// on disk and in the database, and the queue is PAUSED so that a person looks before it goes on.
//
// Per interrupted job, in this order of preference:
//   - its video and record are complete on disk (the kill came after the render, before the
//     bookkeeping): the job is marked done, nothing is rendered twice;
//   - its cancel had been asked for: cancelled;
//   - it has been started MAX_ATTEMPTS times already: failed with INTERRUPTED (a job that kills
//     its runner every time must not block the queue forever);
//   - else: queued again at its place; its attempts keep the lost run.
// Temporary and half-written files of the job are removed in every case.
import { setTimeout as sleep } from 'node:timers/promises';
import { settleEarlierRun, type EarlierRun } from './job-outputs';
import type { QueueRecoveryReport } from './job-model';
import { pidExists, processCommandLine } from './process-identity';
import type { JobQueueStore, RunningJobRef } from './queue-store';
import { clearMarker, markerIsAlive, readMarker } from './runner-marker';

export const MAX_ATTEMPTS = 3;

export interface RecoveryOptions {
  maxAttempts?: number;
}

/**
 * A render worker of the dead runner may outlive it for a moment (it exits when its parent's
 * channel closes). It is stopped before its files are touched, so it cannot rename a video into
 * place after the cleanup. Only a process that is recognisably our worker is signalled.
 */
async function stopOrphanWorker(pid: number | null): Promise<void> {
  if (pid === null || !pidExists(pid)) return;
  const cmdline = processCommandLine(pid);
  if (cmdline === null || !/worker\.js\b/.test(cmdline)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  for (let i = 0; i < 50 && pidExists(pid) && processCommandLine(pid) !== null; i++) await sleep(20);
}

function resultFrom(settled: Extract<EarlierRun, { kind: 'complete' }>): Record<string, unknown> {
  return { ...settled.record, recovered: true };
}

/**
 * Finds and settles an unclean shutdown. Returns the report when there was one (and pauses the
 * queue), null when the queue was left cleanly or a live runner holds it.
 */
export async function recoverIfUnclean(store: JobQueueStore, options: RecoveryOptions = {}): Promise<QueueRecoveryReport | null> {
  const maxAttempts = options.maxAttempts ?? MAX_ATTEMPTS;
  const marker = readMarker(store.db);
  // A live marker, ours included, means the queue is being worked: nothing to recover.
  if (marker !== null && markerIsAlive(marker)) return null;
  const running = store.runningJobs();
  if (marker === null && running.length === 0) return null;

  const settled = new Map<string, EarlierRun>();
  for (const job of running) {
    await stopOrphanWorker(job.workerPid);
    settled.set(job.id, await settleEarlierRun({ output: job.output, record: job.record }));
  }

  const report: QueueRecoveryReport = {
    at: store.internals().now().toISOString(),
    previousRunnerPid: marker?.pid ?? null,
    requeued: [],
    completed: [],
    failed: [],
    cancelled: [],
    removedFiles: [...settled.values()].flatMap((s) => s.removed),
  };
  const internals = store.internals();
  const applied = store.db
    .transaction((): boolean => {
      // Another process may have recovered (or started) in the meantime.
      const now = readMarker(store.db);
      if (marker !== null && (now === null || now.pid !== marker.pid || now.identity !== marker.identity)) return false;
      if (marker === null && now !== null) return false;
      for (const job of running as RunningJobRef[]) {
        const outcome = settled.get(job.id);
        let changed: number;
        if (outcome?.kind === 'complete') {
          changed = internals.finishWithin(job.id, 'done', null, resultFrom(outcome));
          if (changed === 1) report.completed.push(job.id);
        } else if (job.cancelRequested) {
          changed = internals.finishWithin(job.id, 'cancelled', { code: 'CANCELLED', message: 'cancelled; its run was interrupted by an unclean shutdown' }, null);
          if (changed === 1) report.cancelled.push(job.id);
        } else if (job.attempts >= maxAttempts) {
          const message = `the job was interrupted ${job.attempts} times (its runner stopped without shutting down each time); not started again`;
          changed = internals.finishWithin(job.id, 'failed', { code: 'INTERRUPTED', message }, null);
          if (changed === 1) report.failed.push(job.id);
        } else {
          changed = internals.requeueWithin(job.id);
          if (changed === 1) report.requeued.push(job.id);
        }
      }
      internals.setPausedWithin('unclean-shutdown');
      internals.setRecoveryWithin(report);
      if (marker !== null) clearMarker(store.db, marker);
      return true;
    })
    .immediate();
  if (!applied) return null;
  for (const job of running) {
    const view = store.find(job.id);
    if (view !== undefined) store.events.emit({ type: 'job', job: view });
  }
  store.events.emit({ type: 'queue', status: store.status() });
  return report;
}

/** One line for people: what the recovery found and did. */
export function describeRecovery(report: QueueRecoveryReport): string {
  const who = report.previousRunnerPid === null ? 'the previous queue runner' : `the previous queue runner (pid ${report.previousRunnerPid})`;
  const parts: string[] = [];
  if (report.requeued.length > 0) parts.push(`put back in the queue: ${report.requeued.join(', ')}`);
  if (report.completed.length > 0) parts.push(`found finished on disk and marked done: ${report.completed.join(', ')}`);
  if (report.cancelled.length > 0) parts.push(`cancelled as asked: ${report.cancelled.join(', ')}`);
  if (report.failed.length > 0) parts.push(`failed after too many interruptions: ${report.failed.join(', ')}`);
  if (report.removedFiles.length > 0) parts.push(`${report.removedFiles.length} temporary file(s) removed`);
  return `${who} stopped without shutting down${parts.length > 0 ? `; ${parts.join('; ')}` : ''}`;
}
