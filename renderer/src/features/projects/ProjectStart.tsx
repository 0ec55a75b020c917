import { useEffect, useId, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { useStudio, useStudioStore } from '../../app/context';
import { asIpcError } from '../../stores/errors';

function timeOf(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** A folder path field; under Electron a button next to it opens the native folder dialog. */
function FolderField({ label, value, onChange, purpose, canPick }: { label: string; value: string; onChange(value: string): void; purpose: 'open' | 'new'; canPick: boolean }) {
  const { api } = useStudio();
  const id = useId();
  const [pickError, setPickError] = useState<string | null>(null);
  async function pick(): Promise<void> {
    setPickError(null);
    try {
      const { folder } = await api.invoke('projects.pickFolder', { purpose });
      if (folder !== null) onChange(folder);
    } catch (error) {
      setPickError(asIpcError(error).message);
    }
  }
  return (
    <div className="form-field wide">
      <label htmlFor={id}>{label}</label>
      <div className="inline">
        <input id={id} type="text" value={value} placeholder="/absolute/path/to/folder" spellCheck={false} autoComplete="off" onChange={(e) => onChange(e.target.value)} />
        {canPick ? (
          <button type="button" onClick={() => void pick()} aria-label={`Choose ${label.toLowerCase()}`}>
            Choose…
          </button>
        ) : null}
      </div>
      {pickError !== null ? <span className="field-error">{pickError}</span> : null}
    </div>
  );
}

function RecentProjects() {
  const { stores } = useStudio();
  const entries = useStore(stores.recent, (s) => s.entries);
  const status = useStore(stores.recent, (s) => s.status);
  const error = useStore(stores.recent, (s) => s.error);
  const busy = useStore(stores.project, (s) => s.status === 'opening');
  useEffect(() => {
    void stores.recent.getState().load();
  }, [stores.recent]);
  return (
    <>
      <h3 id="recent-title">Recent projects</h3>
      {error !== null ? <p className="problem">The recent list could not be read: {error.message}</p> : null}
      {status === 'ready' && entries.length === 0 ? <p className="muted">None yet.</p> : null}
      <ul className="recent" aria-labelledby="recent-title">
        {entries.map((entry) => (
          <li key={entry.folder} className={entry.available ? undefined : 'missing'}>
            <button type="button" className="link" disabled={!entry.available || busy} aria-label={`Open ${entry.name}`} onClick={() => void stores.project.getState().open(entry.folder)}>
              {entry.name}
            </button>
            <code className="muted">{entry.folder}</code>
            <time className="muted" dateTime={entry.openedAt}>
              {timeOf(entry.openedAt)}
            </time>
            {entry.available ? null : (
              <>
                <span className="problem">folder missing</span>
                <button type="button" aria-label={`Forget ${entry.name}`} onClick={() => void stores.recent.getState().forget(entry.folder)}>
                  Forget
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

/** No project open: make a new one, open one by its folder, or reopen a recent one. */
export function ProjectStart() {
  const { stores } = useStudio();
  const error = useStore(stores.project, (s) => s.error);
  const busy = useStore(stores.project, (s) => s.status === 'opening');
  const canPick = useStudioStore((s) => s.appInfo, (s) => s.state.info?.shell === 'electron');
  const [newFolder, setNewFolder] = useState('');
  const [name, setName] = useState('');
  const [openFolder, setOpenFolder] = useState('');
  const nameId = useId();

  function create(event: FormEvent): void {
    event.preventDefault();
    void stores.project.getState().create(newFolder.trim(), name);
  }
  function open(event: FormEvent): void {
    event.preventDefault();
    void stores.project.getState().open(openFolder.trim());
  }

  return (
    <section className="panel projects" aria-labelledby="projects-title" aria-busy={busy}>
      <h2 id="projects-title">Projects</h2>
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
      <div className="start-forms">
        <form aria-label="New project" onSubmit={create}>
          <h3>New project</h3>
          <FolderField label="New project folder" value={newFolder} onChange={setNewFolder} purpose="new" canPick={canPick} />
          <div className="form-field wide">
            <label htmlFor={nameId}>Project name</label>
            <input id={nameId} type="text" value={name} maxLength={200} autoComplete="off" onChange={(e) => setName(e.target.value)} />
          </div>
          <button type="submit" className="primary" disabled={busy || newFolder.trim() === '' || name.trim() === ''}>
            Create project
          </button>
        </form>
        <form aria-label="Open project" onSubmit={open}>
          <h3>Open a project</h3>
          <FolderField label="Project folder" value={openFolder} onChange={setOpenFolder} purpose="open" canPick={canPick} />
          <button type="submit" disabled={busy || openFolder.trim() === ''}>
            Open project
          </button>
        </form>
      </div>
      <RecentProjects />
    </section>
  );
}
