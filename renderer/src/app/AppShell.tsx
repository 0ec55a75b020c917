import type { ReactNode } from 'react';
import { PAGES } from './pages';

/** The studio's frame: the name, the nav of the pages that exist, the current page. */
export function AppShell({ currentId, children }: { currentId: string; children: ReactNode }) {
  return (
    <div className="shell">
      <header className="topbar">
        <h1 className="brand">AIPROD Studio</h1>
        <nav aria-label="Main">
          <ul>
            {PAGES.map((page) => (
              <li key={page.id}>
                <a href={`#/${page.id}`} aria-current={page.id === currentId ? 'page' : undefined}>
                  {page.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main className="content" aria-label={PAGES.find((p) => p.id === currentId)?.label}>
        {children}
      </main>
    </div>
  );
}
