import { useStudioStore } from './context';
import { ActivityLog } from '../features/engine-status/ActivityLog';
import { ExportPanel } from '../features/export/ExportPanel';
import { QaPanel } from '../features/qa/QaPanel';
import { PreviewPlayer } from '../features/player/PreviewPlayer';
import { EngineStatusPanel } from '../features/engine-status/EngineStatusPanel';
import { ProjectBar } from '../features/projects/ProjectBar';
import { ProjectStart } from '../features/projects/ProjectStart';
import { ShotEditor } from '../features/prompt/ShotEditor';
import { ProjectQueuePanel } from '../features/queue/ProjectQueuePanel';
import { Timeline } from '../features/timeline/Timeline';
import { TimelineEstimate } from '../features/estimate/TimelineEstimate';

/** The Studio page: the start screen (projects, engine status, activity) until a project is open,
 * then the editing surface: the project bar, the prompt editor, the preview, the timeline and the export. */
export function StudioWorkspace() {
  const status = useStudioStore((s) => s.project, (s) => s.status);
  if (status !== 'open') {
    return (
      <div className="page-grid">
        <ProjectStart />
        <div className="side">
          <EngineStatusPanel />
          <ActivityLog />
          <ProjectQueuePanel />
        </div>
      </div>
    );
  }
  return (
    <div className="workspace">
      <ProjectBar />
      <ShotEditor />
      <PreviewPlayer />
      <Timeline />
      <TimelineEstimate />
      <QaPanel />
      <ExportPanel />
      <ProjectQueuePanel />
    </div>
  );
}
