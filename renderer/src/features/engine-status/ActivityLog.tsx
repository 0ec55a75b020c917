import { useEffect } from 'react';
import { useStudio, useStudioStore } from '../../app/context';
import { followActivity } from '../../stores';
import { ActivityLogView } from './ActivityLogView';

export function ActivityLog() {
  const { api, stores } = useStudio();
  const entries = useStudioStore((s) => s.activity, (s) => s.entries);
  useEffect(() => followActivity(api, stores.activity), [api, stores.activity]);
  return <ActivityLogView entries={entries} />;
}
