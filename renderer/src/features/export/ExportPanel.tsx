import { useStore } from 'zustand';
import { useStudio, useStudioStore } from '../../app/context';
import { exportStoreFor } from './export-store';
import './export.css';

function formatEta(ms: number | null): string {
  if (ms === null) return '';
  const seconds = Math.ceil(ms / 1000);
  return seconds >= 60 ? ` · about ${Math.floor(seconds / 60)} min ${seconds % 60} s left` : ` · about ${seconds} s left`;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.max(1, Math.round(bytes / 1024))} KiB`;
}

/**
 * "Export video": the whole timeline to one MP4 (H.264 + AAC) in the project's exports/ folder, or
 * (desktop app) where the user chooses. The project is saved first; progress, an estimate of the
 * time left, and Cancel while it runs.
 */
export function ExportPanel() {
  const { api, stores } = useStudio();
  const store = exportStoreFor(api);
  const phase = useStore(store, (s) => s.phase);
  const fraction = useStore(store, (s) => s.fraction);
  const etaMs = useStore(store, (s) => s.etaMs);
  const result = useStore(store, (s) => s.result);
  const error = useStore(store, (s) => s.error);
  const folder = useStudioStore((s) => s.project, (s) => s.folder);
  const unrendered = useStudioStore((s) => s.project, (s) => s.doc?.shots.reduce((n, shot) => n + (shot.lastRender === undefined ? 1 : 0), 0) ?? 0);
  const desktop = useStudioStore((s) => s.appInfo, (s) => s.state.info?.shell === 'electron');
  const busy = phase === 'saving' || phase === 'running' || phase === 'cancelling';

  const start = (destination: 'project' | 'choose'): void => {
    if (folder === null) return;
    void store.getState().start(folder, () => stores.project.getState().saveNow(), destination);
  };

  return (
    <section className="panel export-panel" aria-labelledby="export-title">
      <h2 id="export-title">Export</h2>
      <div className="export-actions">
        <button type="button" className="primary" disabled={busy || folder === null} onClick={() => start('project')}>
          Export video
        </button>
        {desktop ? (
          <button type="button" disabled={busy || folder === null} onClick={() => start('choose')}>
            Export video as…
          </button>
        ) : null}
        {unrendered > 0 && !busy ? (
          <span className="muted">
            {unrendered} {unrendered === 1 ? 'shot is' : 'shots are'} not rendered yet
          </span>
        ) : null}
      </div>
      {busy ? (
        <div className="export-progress">
          <progress aria-label="Export progress" max={1} value={fraction} />
          <span className="muted" aria-live="polite">
            {phase === 'saving' ? 'Saving the project…' : phase === 'cancelling' ? 'Cancelling…' : `${Math.floor(fraction * 100)} %${formatEta(etaMs)}`}
          </span>
          <button type="button" disabled={phase !== 'running'} onClick={() => void store.getState().cancel()}>
            Cancel export
          </button>
        </div>
      ) : null}
      {phase === 'done' && result !== null ? (
        <p className="export-done" role="status">
          Exported {result.durationSec.toFixed(3)} s ({result.frames} frames at {result.fps} fps, {result.width}×{result.height}, {formatBytes(result.bytes)}) to <code>{result.output}</code>
        </p>
      ) : null}
      {phase === 'cancelled' ? (
        <p className="muted" role="status">
          Export cancelled; nothing was written.
        </p>
      ) : null}
      {error !== null ? (
        <div className="alert">
          <p role="alert">
            <strong>{error.code}</strong> {error.message}
          </p>
          <button type="button" onClick={() => store.getState().dismiss()}>
            Dismiss
          </button>
        </div>
      ) : null}
    </section>
  );
}
