import { useEffect } from 'react';
import type { JobDto, ShotSubmission } from '../../../../electron/common/channels/jobs';
import { useStudio } from '../../app/context';
import { jobsStoreFor, useJobsStore, type LiveProgress } from './jobs-store';
import './queue.css';

export interface QueuePanelProps {
  /** The shot being edited: "Render shot" submits it. */
  currentShot?: ShotSubmission | null;
  /** The whole timeline: "Render all" submits it in one call (one transaction). */
  timeline?: readonly ShotSubmission[];
}

/** Where a stage sits in a render, so one bar covers load to record; denoising is most of it. */
const STAGE_SPAN: Record<string, [number, number]> = {
  load: [0, 0.03],
  encode: [0.03, 0.05],
  denoise: [0.05, 0.88],
  decode: [0.88, 0.91],
  upsample: [0.91, 0.94],
  video: [0.94, 0.98],
  record: [0.98, 1],
};

export function percentDone(job: JobDto, live: LiveProgress | undefined): number {
  if (job.state === 'done') return 100;
  if (job.state !== 'running') return 0;
  const progress = live ?? job.progress;
  if (progress === null || progress === undefined) return 0;
  const [from, to] = STAGE_SPAN[progress.stage] ?? [0, 1];
  const within = progress.total > 0 ? Math.min(1, progress.step / progress.total) : 0;
  return Math.round(100 * (from + (to - from) * within));
}

function formatEta(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms) || ms <= 0) return null;
  const seconds = Math.ceil(ms / 1000);
  return seconds < 60 ? `${seconds} s left` : `${Math.floor(seconds / 60)} min ${seconds % 60} s left`;
}

function JobRow({ job, index }: { job: JobDto; index: number }) {
  const live = useJobsStore((s) => s.progress[job.id]);
  const preview = useJobsStore((s) => s.previews[job.id]);
  const store = jobsStoreFor(useStudio().api).getState();
  const percent = percentDone(job, live);
  const stage = live?.stage ?? job.progress?.stage;
  const eta = job.state === 'running' ? formatEta(live?.etaMs ?? job.progress?.etaMs ?? null) : null;
  const label = job.prompt.length > 60 ? `${job.prompt.slice(0, 57)}…` : job.prompt;
  return (
    <li className={`job job-${job.state}`} aria-label={`Job ${label}`}>
      <div className="job-head">
        <span className="job-prompt" title={job.prompt}>
          {label}
        </span>
        <span className={`badge state-${job.state}`}>{job.cancelRequested && job.state === 'running' ? 'cancelling' : job.state}</span>
      </div>
      <div className="job-body">
        {preview !== undefined ? <img className="job-preview" src={preview} alt={`Preview of ${label}`} width={80} /> : null}
        <div className="job-progress">
          <div role="progressbar" aria-label={`Progress of ${label}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} className="bar">
            <div className="bar-fill" style={{ width: `${percent}%` }} />
          </div>
          <div className="job-meta muted">
            {job.state === 'running' && stage !== undefined ? <span>{stage}</span> : null}
            {eta !== null ? <span>{eta}</span> : null}
            {job.attempts > 1 ? <span>attempt {job.attempts}</span> : null}
            {job.shotId !== null ? <span>shot {job.shotId}</span> : null}
          </div>
          {job.error !== null && job.state !== 'queued' ? (
            <div className="problem job-error">
              {job.error.message} <code>{job.error.code}</code>
            </div>
          ) : null}
          {job.state === 'done' ? <code className="job-output">{job.output}</code> : null}
        </div>
      </div>
      <div className="job-actions">
        {job.state === 'queued' && index > 0 ? (
          <button type="button" onClick={() => void store.move(job.id, index - 1)} aria-label={`Move ${label} up`}>
            Up
          </button>
        ) : null}
        {(job.state === 'queued' || job.state === 'running') && !job.cancelRequested ? (
          <button type="button" onClick={() => void store.cancel(job.id)} aria-label={`Cancel ${label}`}>
            Cancel
          </button>
        ) : null}
        {job.state === 'failed' || job.state === 'cancelled' ? (
          <button type="button" onClick={() => void store.retry(job.id)} aria-label={`Retry ${label}`}>
            Retry
          </button>
        ) : null}
      </div>
    </li>
  );
}

/** The render queue: submit the current shot or the whole timeline, follow each job, cancel, retry. */
export function QueuePanel({ currentShot = null, timeline = [] }: QueuePanelProps) {
  const { api } = useStudio();
  const order = useJobsStore((s) => s.order);
  const jobs = useJobsStore((s) => s.jobs);
  const status = useJobsStore((s) => s.status);
  const notices = useJobsStore((s) => s.notices);
  const error = useJobsStore((s) => s.error);
  const loaded = useJobsStore((s) => s.loaded);

  useEffect(() => {
    const store = jobsStoreFor(api).getState();
    const off = store.follow();
    void store.load();
    return off;
  }, [api]);

  const store = jobsStoreFor(api).getState();
  const queuedIds = order.filter((id) => jobs[id]?.state === 'queued');
  const paused = status?.paused === true;

  return (
    <section className="panel queue-panel" role="region" aria-label="Queue">
      <h2>Queue</h2>
      <div className="queue-toolbar">
        <button type="button" disabled={currentShot === null} onClick={() => currentShot !== null && void store.submit([currentShot])}>
          Render shot
        </button>
        <button type="button" disabled={timeline.length === 0} onClick={() => void store.submit([...timeline])}>
          Render all{timeline.length > 0 ? ` (${timeline.length})` : ''}
        </button>
        {paused ? (
          <button type="button" onClick={() => void store.resume()}>
            Resume
          </button>
        ) : (
          <button type="button" onClick={() => void store.pause()} disabled={status === null}>
            Pause
          </button>
        )}
      </div>
      {paused ? (
        <div className="alert" role="status">
          {status?.pausedReason === 'unclean-shutdown' ? 'The queue is paused: the studio stopped without shutting down while it rendered. Check the jobs, then resume.' : 'The queue is paused.'}
          {notices.map((n) => (
            <div key={n} className="muted">
              {n}
            </div>
          ))}
        </div>
      ) : null}
      {error !== null ? (
        <div className="alert problem" role="alert">
          {error.message} <code>{error.code}</code>{' '}
          <button type="button" onClick={() => store.dismissError()}>
            Dismiss
          </button>
        </div>
      ) : null}
      {loaded && order.length === 0 ? <p className="muted">Nothing rendered yet.</p> : null}
      <ol className="jobs" aria-label="Render jobs">
        {order.map((id) => {
          const job = jobs[id];
          return job === undefined ? null : <JobRow key={id} job={job} index={queuedIds.indexOf(id)} />;
        })}
      </ol>
    </section>
  );
}
