import { useEffect, useId, useState } from 'react';
import { useStore } from 'zustand';
import type { Shot } from '../../../../electron/common/channels/projects';
import { useStudio, useStudioStore } from '../../app/context';
import { QaBadge } from './QaBadge';
import { QaFigures } from './QaFigures';
import { qaStoreFor } from './qa-store';
import { renderPaths } from './render-paths';
import { RerenderCheckView } from './RerenderCheckView';
import { effectiveThresholds, overallVerdict, qaBadges, rerenderVerdict } from './verdicts';
import './qa.css';

const OTHER_FILE = '__other__';

const shotTitle = (shot: Shot, index: number): string => (shot.name.trim() === '' ? `Shot ${index + 1}` : shot.name);

function stageText(kind: 'analyse' | 'rerender', stage: string, step: number, total: number): string {
  const what = stage === 'starting' ? 'Starting' : stage.replace(/^render:/, 'rendering: ');
  const count = total > 0 ? ` ${step}/${total}` : '';
  return `${kind === 'analyse' ? 'Analysing' : 'Re-render check'} · ${what}${count}`;
}

/** Chooses the reference video: none, another shot's render, or any file by its path. */
function ReferencePicker({ options, value, onChange }: { options: { value: string; label: string }[]; value: string; onChange(value: string): void }) {
  const id = useId();
  const pathId = useId();
  const [other, setOther] = useState('');
  const choice = value === '' || options.some((o) => o.value === value) ? value : OTHER_FILE;
  return (
    <div className="qa-reference">
      <div className="form-field">
        <label htmlFor={id}>Reference video</label>
        <select id={id} value={choice} onChange={(event) => onChange(event.target.value === OTHER_FILE ? other : event.target.value)}>
          <option value="">None (no-reference checks only)</option>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
          <option value={OTHER_FILE}>Another file…</option>
        </select>
      </div>
      {choice === OTHER_FILE ? (
        <div className="form-field">
          <label htmlFor={pathId}>Reference file path</label>
          <input
            id={pathId}
            type="text"
            spellCheck={false}
            autoComplete="off"
            placeholder="/absolute/path/to/reference.mp4"
            value={other}
            onChange={(event) => {
              setOther(event.target.value);
              onChange(event.target.value);
            }}
          />
        </div>
      ) : null}
    </div>
  );
}

/**
 * "Quality" for the selected shot's last render: frames, PSNR/SSIM against a chosen reference,
 * temporal stability, flicker and prompt adherence with pass/fail badges from the project's
 * thresholds (Settings), and the re-render check. Figures are stored with the render (<job>.qa.json).
 */
export function QaPanel() {
  const { api } = useStudio();
  const store = qaStoreFor(api);
  const doc = useStudioStore((s) => s.project, (s) => s.doc);
  const folder = useStudioStore((s) => s.project, (s) => s.folder);
  const focusId = useStudioStore((s) => s.project, (s) => s.focusId);
  const run = useStore(store, (s) => s.run);
  const cancelled = useStore(store, (s) => s.cancelled);
  const index = doc?.shots.findIndex((s) => s.id === focusId) ?? -1;
  const shot = index >= 0 ? (doc?.shots[index] ?? null) : null;
  const paths = shot?.lastRender !== undefined && folder !== null ? renderPaths(folder, shot.lastRender.output) : null;
  const entry = useStore(store, (s) => (paths === null ? undefined : s.entries[paths.video]));
  const [reference, setReference] = useState('');

  useEffect(() => {
    if (paths !== null && store.getState().entries[paths.video] === undefined) void store.getState().load(paths.video);
  }, [paths?.video, store]);
  // A reference chosen for one shot is not silently reused for the next.
  useEffect(() => setReference(''), [focusId]);

  if (doc === null || folder === null) return null;
  const title = (
    <h2 id="qa-title">
      Quality{shot === null ? '' : ` · ${shotTitle(shot, index)}`}
    </h2>
  );
  if (shot === null || paths === null) {
    return (
      <section className="panel qa-panel" aria-labelledby="qa-title">
        {title}
        <p className="muted">{shot === null ? 'Select a shot to see the quality checks of its last render.' : 'This shot has no render yet; render it to check its quality.'}</p>
      </section>
    );
  }

  const thresholds = effectiveThresholds(doc.settings.qa);
  const stored = entry?.stored ?? null;
  const analysis = stored?.analysis ?? null;
  const check = stored?.rerender ?? null;
  const overall = overallVerdict(qaBadges(analysis?.report ?? null, thresholds), rerenderVerdict(check));
  const busy = run !== null;
  const runHere = run !== null && run.video === paths.video ? run : null;
  const references = doc.shots.flatMap((other, i) =>
    other.id !== shot.id && other.lastRender !== undefined ? [{ value: renderPaths(folder, other.lastRender.output).video, label: `${shotTitle(other, i)} (last render)` }] : [],
  );
  const prompt = stored?.render?.prompt ?? shot.prompt;

  return (
    <section className="panel qa-panel" aria-labelledby="qa-title">
      {title}
      <p className="qa-render">
        Last render <code>{shot.lastRender?.output}</code>
        {stored?.render !== null && stored?.render !== undefined
          ? ` · ${stored.render.frames} frames, ${stored.render.width}×${stored.render.height} @ ${stored.render.fps} fps, seed ${stored.render.seed}, ${stored.render.model.id} ${stored.render.model.version} on ${stored.render.executionProvider}`
          : ''}{' '}
        <span className="qa-overall">
          Overall <QaBadge verdict={overall} label="Overall quality" />
        </span>
      </p>
      {stored?.recordProblem !== null && stored?.recordProblem !== undefined ? <p className="problem">{stored.recordProblem}</p> : null}
      {stored !== null && stored.record === null ? <p className="problem">This render has no reproducibility record next to it, so it cannot be re-rendered.</p> : null}

      <div className="qa-actions">
        <ReferencePicker options={references} value={reference} onChange={setReference} />
        <button type="button" className="primary" disabled={busy} onClick={() => void store.getState().analyse(paths.video, { ...(reference.trim() === '' ? {} : { reference: reference.trim() }), prompt })}>
          Analyse render
        </button>
        <button type="button" disabled={busy || stored?.record === null} onClick={() => void store.getState().rerender(paths.video, paths.record)}>
          Run re-render check
        </button>
      </div>

      {runHere !== null ? (
        <div className="qa-progress">
          <progress aria-label="QA progress" max={Math.max(1, runHere.total)} value={runHere.total > 0 ? runHere.step : undefined} />
          <span className="muted" aria-live="polite">
            {runHere.cancelling ? 'Cancelling…' : stageText(runHere.kind, runHere.stage, runHere.step, runHere.total)}
          </span>
          <button type="button" disabled={runHere.cancelling} onClick={() => void store.getState().cancel()}>
            Cancel
          </button>
        </div>
      ) : null}
      {cancelled !== null && cancelled.video === paths.video && runHere === null ? (
        <p className="muted" role="status">
          {cancelled.kind === 'analyse' ? 'Analysis' : 'Re-render check'} cancelled; the stored figures are unchanged.
        </p>
      ) : null}
      {entry?.error !== null && entry?.error !== undefined ? (
        <div className="alert">
          <p role="alert">
            <strong>{entry.error.code}</strong> {entry.error.message}
          </p>
          <button type="button" onClick={() => store.getState().dismissError(paths.video)}>
            Dismiss
          </button>
        </div>
      ) : null}

      <h3>Figures</h3>
      {entry?.loading === true && stored === null ? <p className="muted">Loading…</p> : <QaFigures analysis={analysis} thresholds={thresholds} />}
      <h3>Re-render check</h3>
      <RerenderCheckView check={check} />
    </section>
  );
}
