import type { Shot } from '../../../../electron/common/channels/projects';
import type { ShotSubmission } from '../../../../electron/common/channels/jobs';
import { useStudioStore } from '../../app/context';
import { QueuePanel } from './QueuePanel';

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
