import { useEffect, useState } from 'react';
import { AppShell } from './AppShell';
import { pageForHash } from './pages';

function useHash(): string {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const onChange = (): void => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

/** The studio: the shell around the page the address's hash names (#/studio by default). */
export function Studio() {
  const page = pageForHash(useHash());
  return (
    <AppShell currentId={page.id}>
      <page.Component />
    </AppShell>
  );
}
