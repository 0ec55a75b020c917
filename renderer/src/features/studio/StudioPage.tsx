import { ActivityLog } from '../engine-status/ActivityLog';
import { EngineStatusPanel } from '../engine-status/EngineStatusPanel';

/** The studio's home. For now: what the engine runs on, and what the shell reports. */
export function StudioPage() {
  return (
    <div className="page-grid">
      <EngineStatusPanel />
      <ActivityLog />
    </div>
  );
}
