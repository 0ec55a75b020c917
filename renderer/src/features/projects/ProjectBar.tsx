import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { useStudio } from '../../app/context';
import { saveIndicator } from '../../stores/project';

function clock(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString();
}

/** The autosave indicator: what the last `projects.saved` said, or what is pending. */
function SaveStatus() {
  const { stores } = useStudio();
  const doc = useStore(stores.project, (s) => s.doc);
  const savedDoc = useStore(stores.project, (s) => s.savedDoc);
  const save = useStore(stores.project, (s) => s.save);
  const { text, tone } = saveIndicator({ doc, savedDoc, save }, clock);
  return (
    <p role="status" aria-label="Save status" className={`save-status ${tone}`}>
      {text}
    </p>
  );
}

function RenameForm({ current, onDone }: { current: string; onDone(): void }) {
  const { stores } = useStudio();
  const [name, setName] = useState(current);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  useEffect(() => input.current?.select(), []);
  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    const ok = await stores.project.getState().rename(name);
    setBusy(false);
    if (ok) onDone();
  }
  return (
    <form className="rename" aria-label="Rename project" onSubmit={(e) => void submit(e)} onKeyDown={(e) => e.key === 'Escape' && onDone()}>
      <label htmlFor={id}>Project name</label>
      <input id={id} ref={input} type="text" value={name} maxLength={200} autoComplete="off" onChange={(e) => setName(e.target.value)} />
      <button type="submit" className="primary" disabled={busy || name.trim() === '' || name.trim() === current}>
        Rename project
      </button>
      <button type="button" onClick={onDone}>
        Keep current name
      </button>
    </form>
  );
}

/** What opening the project reported, and the last failed project action. */
function ProjectNotices() {
  const { stores } = useStudio();
  const warnings = useStore(stores.project, (s) => s.warnings);
  const error = useStore(stores.project, (s) => s.error);
  return (
    <>
      {error !== null ? (
        <div className="alert">
          <p role="alert">
            <strong>{error.code}</strong> {error.message}
          </p>
          <button type="button" onClick={() => stores.project.getState().dismissError()}>
            Dismiss
          </button>
        </div>
      ) : null}
      {warnings.length > 0 ? (
        <div className="notice" role="group" aria-label="Project notices">
          <ul>
            {warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
          <button type="button" onClick={() => stores.project.getState().dismissWarnings()}>
            Dismiss
          </button>
        </div>
      ) : null}
    </>
  );
}

/** The open project's name, folder, save state, and its Save and Close actions. */
export function ProjectBar() {
  const { stores } = useStudio();
  const name = useStore(stores.project, (s) => s.doc?.name ?? '');
  const folder = useStore(stores.project, (s) => s.folder ?? '');
  const [renaming, setRenaming] = useState(false);
  const project = stores.project.getState;
  return (
    <>
      <div className="project-bar">
        {renaming ? (
          <RenameForm current={name} onDone={() => setRenaming(false)} />
        ) : (
          <div className="project-title">
            <h2 className="project-name">{name}</h2>
            <button type="button" onClick={() => setRenaming(true)}>
              Rename
            </button>
          </div>
        )}
        <code className="muted folder" title={folder}>
          {folder}
        </code>
        <SaveStatus />
        <button type="button" onClick={() => void project().saveNow()} title="Ctrl+S">
          Save
        </button>
        <button type="button" onClick={() => void project().close()}>
          Close project
        </button>
      </div>
      <ProjectNotices />
    </>
  );
}
