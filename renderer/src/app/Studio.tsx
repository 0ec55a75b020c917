import { useEffect, useState } from 'react';
import { followProjectSaves } from '../stores';
import { isDirty } from '../stores/project';
import { ModelDropOverlay } from '../features/models/ModelDropOverlay';
import { usePlayerShortcuts } from '../features/player/player-store';
import { AppShell } from './AppShell';
import { useStudio } from './context';
import { pageForHash } from './pages';
import { PAGE_VIEWS } from './page-views';
import { useStudioShortcuts } from './shortcuts';

function useHash(): string {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const onChange = (): void => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

/** What the open project needs for the page's whole life: the save events, the shortcuts, and a
 * last save when the page goes away with unsaved changes. */
function useProjectLifecycle(): void {
  const { api, stores } = useStudio();
  useEffect(() => followProjectSaves(api, stores.project), [api, stores.project]);
  useStudioShortcuts(stores.project, usePlayerShortcuts());
  useEffect(() => {
    const onHide = (): void => {
      const state = stores.project.getState();
      if (state.status === 'open' && isDirty(state)) void state.saveNow();
    };
    window.addEventListener('pagehide', onHide);
    return () => window.removeEventListener('pagehide', onHide);
  }, [stores.project]);
}

/** The studio: the shell around the page the address's hash names (#/studio by default). */
export function Studio() {
  const page = pageForHash(useHash());
  const View = PAGE_VIEWS[page.id];
  useProjectLifecycle();
  return (
    <AppShell currentId={page.id}>
      <View />
      {/* The whole window takes dropped model packs, whatever the page. */}
      <ModelDropOverlay />
    </AppShell>
  );
}
