import { useEffect } from 'react';
import type { LastRender, Shot } from '../../../../electron/common/channels/projects';
import type { JobDto, ShotSubmission } from '../../../../electron/common/channels/jobs';
import { useStudio, useStudioStore } from '../../app/context';
import { jobsStoreFor } from './jobs-store';
import { QueuePanel } from './QueuePanel';

/** A finished job of this project as the shot's last render (paths relative to the project folder), or null. */
export function lastRenderOf(job: JobDto, folder: string): { shotId: string; render: LastRender } | null {
  if (job.state !== 'done' || job.shotId === null || job.projectDir !== folder) return null;
  const prefix = folder.endsWith('/') ? folder : `${folder}/`;
  if (!job.output.startsWith(prefix)) return null;
  return { shotId: job.shotId, render: { jobId: job.id, output: job.output.slice(prefix.length) } };
}

/** Writes every finished render of the open project onto its shot, so the timeline and player see it. */
function useRecordFinishedRenders(folder: string | null): void {
  const { api, stores } = useStudio();
  useEffect(() => {
    if (folder === null) return;
    const jobs = jobsStoreFor(api);
    const seen = new Set<string>();
    const apply = (all: Record<string, JobDto>) => {
      // Oldest first, so the newest finished render of a shot is the one that stays.
      for (const job of Object.values(all).sort((a, b) => (a.finishedAt ?? '').localeCompare(b.finishedAt ?? ''))) {
        if (seen.has(job.id)) continue;
        const found = lastRenderOf(job, folder);
        if (found === null) continue;
        seen.add(job.id);
        const shot = stores.project.getState().doc?.shots.find((s) => s.id === found.shotId);
        if (shot !== undefined && shot.lastRender?.jobId !== job.id) stores.project.getState().recordRender(found.shotId, found.render);
      }
    };
    apply(jobs.getState().jobs);
    return jobs.subscribe((state) => apply(state.jobs));
  }, [api, stores, folder]);
}

/** A timeline shot as a queue submission: its own settings, the project's device, its output under the project folder. */
export function shotSubmission(shot: Shot, folder: string, device: ShotSubmission['request']['device']): ShotSubmission {
  return {
    projectDir: folder,
    shotId: shot.id,
    request: {
      prompt: shot.prompt,
      ...(shot.negativePrompt.trim() === '' ? {} : { negativePrompt: shot.negativePrompt }),
      seed: shot.seed,
      tier: shot.tier,
      model: shot.model,
      ...(shot.steps === undefined ? {} : { steps: shot.steps }),
      ...(shot.guidance === undefined ? {} : { guidance: shot.guidance }),
      ...(shot.frames === undefined ? {} : { frames: shot.frames }),
      ...(device === undefined ? {} : { device }),
    },
  };
}

/** The queue panel fed by the open project: the focused shot and every shot with a prompt. */
export function ProjectQueuePanel() {
  const doc = useStudioStore((s) => s.project, (s) => s.doc);
  const folder = useStudioStore((s) => s.project, (s) => s.folder);
  const focusId = useStudioStore((s) => s.project, (s) => s.focusId);
  useRecordFinishedRenders(folder);
  if (doc === null || folder === null) return <QueuePanel />;
  const renderable = doc.shots.filter((shot) => shot.prompt.trim() !== '');
  const focused = renderable.find((shot) => shot.id === focusId);
  return (
    <QueuePanel
      currentShot={focused === undefined ? null : shotSubmission(focused, folder, doc.settings.device)}
      timeline={renderable.map((shot) => shotSubmission(shot, folder, doc.settings.device))}
    />
  );
}
