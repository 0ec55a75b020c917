import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { NetworkStatsDto } from '../../../../electron/common/channels/report';
import { useStudio } from '../../app/context';
import { downloadText } from './download';
import type { DependencyFilter, ModelFilter } from './report-filters';
import { reportStoreFor } from './report-store';
import { ReportView, sectionId } from './ReportView';
import './report.css';

// The "Sovereignty report" page: the report of this installation, made on request by the shell
// (Electron's main or the headless host), with the live network counts of that process, filters,
// and exports to a standalone HTML page or JSON.

function LiveCounts({ stats }: { stats: NetworkStatsDto | null }) {
  if (stats === null) return null;
  const text = stats.installed
    ? `Network guard (${stats.label ?? 'this process'}): ${stats.attempts} attempt${stats.attempts === 1 ? '' : 's'}, ${stats.blocked} blocked`
    : 'Network guard: not installed in this process';
  return (
    <p className={`report-live ${stats.attempts > 0 || !stats.installed ? 'problem' : ''}`} role="status" aria-label="Live network counts">
      {text}
    </p>
  );
}

export function ReportPage() {
  const { api, stores } = useStudio();
  const store = reportStoreFor(api);
  const state = useStore(store);
  const projectFolder = useStore(stores.project, (s) => (s.status === 'open' ? s.folder : null));
  const [verify, setVerify] = useState(false);
  const [query, setQuery] = useState('');
  const [modelFilter, setModelFilter] = useState<ModelFilter>('all');
  const [dependencyFilter, setDependencyFilter] = useState<DependencyFilter>('all');

  useEffect(() => {
    const actions = store.getState();
    const unfollow = actions.follow();
    void actions.loadStats();
    if (actions.status === 'idle') void actions.load({ projectFolder });
    return unfollow;
    // The first report is made once per window (not again when a project opens); later ones when the user asks.
  }, [store]); // projectFolder is read at mount on purpose

  const refresh = (): void => {
    void state.load({ verify, projectFolder });
    void state.loadStats();
  };
  const exportAs = (format: 'html' | 'json'): void => {
    void state.exportAs(format, (content) => downloadText(content.fileName, content.mimeType, content.content));
  };
  const busy = state.status === 'loading';

  return (
    <div className="report-page">
      <section className="panel report-toolbar" aria-labelledby="report-title">
        <h2 id="report-title">Sovereignty report</h2>
        <p className="muted">
          What this studio is made of and whether it keeps to itself: model packs, licences, network attempts, reproducibility and packaging, scored
          from the running system.
          {projectFolder === null ? ' Open a project to include the network counts of its renders.' : ' The renders of the open project are included.'}
        </p>
        <div className="report-actions">
          <button type="button" className="primary" onClick={refresh} disabled={busy}>
            {busy ? 'Making the report…' : state.report === null ? 'Make the report' : 'Refresh report'}
          </button>
          <label className="checkbox">
            <input type="checkbox" checked={verify} onChange={(e) => setVerify(e.target.checked)} /> Re-hash model files
          </label>
          <button type="button" onClick={() => exportAs('html')} disabled={state.report === null || state.exporting !== null}>
            Export HTML
          </button>
          <button type="button" onClick={() => exportAs('json')} disabled={state.report === null || state.exporting !== null}>
            Export JSON
          </button>
        </div>
        <LiveCounts stats={state.stats} />
        {busy ? (
          <p role="status" className="muted">
            Making the report: reading the model packs, the installed packages and the runtime…
          </p>
        ) : null}
        {state.exported !== null ? (
          <p role="status" className="report-exported">
            {state.exported.message}
          </p>
        ) : null}
        {state.error !== null ? (
          <div role="alert" className="alert">
            {state.error.message} <code>{state.error.code}</code>
            <button type="button" onClick={state.dismissError}>
              Dismiss
            </button>
          </div>
        ) : null}
      </section>
      {state.report !== null ? (
        <ReportView
          report={state.report}
          live={state.stats}
          query={query}
          modelFilter={modelFilter}
          dependencyFilter={dependencyFilter}
          onQuery={setQuery}
          onModelFilter={setModelFilter}
          onDependencyFilter={setDependencyFilter}
          onJump={(key) => document.getElementById(sectionId(key))?.scrollIntoView({ block: 'start' })}
        />
      ) : null}
    </div>
  );
}
