import { useEffect } from 'react';
import { useStudioStore } from '../../app/context';
import { EngineStatusView } from './EngineStatusView';

/** The engine status, read once when the panel first shows. */
export function EngineStatusPanel() {
  const state = useStudioStore((s) => s.appInfo, (s) => s.state);
  const load = useStudioStore((s) => s.appInfo, (s) => s.load);
  useEffect(() => {
    void load();
  }, [load]);
  return <EngineStatusView state={state} onRetry={() => void load()} />;
}
