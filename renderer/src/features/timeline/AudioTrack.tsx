import { memo, useId, useRef, useState, type FormEvent, type KeyboardEvent, type PointerEvent as ReactPointerEvent } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { PROJECT_LIMITS } from '../../../../electron/common/channels/projects';
import { useStudio } from '../../app/context';
import { asIpcError } from '../../stores/errors';
import { totalSeconds } from '../../stores/project-edits';
import { audioById, audioIds } from '../../stores/project-selectors';
import { DraftField, formatOptionalNumber, numberParser, type Parsed } from '../prompt/fields';

/** Start times snap to 1/20 s when dragged and move by 1/2 s with Alt+Left/Right. */
const SNAP_SECONDS = 0.05;
const NUDGE_SECONDS = 0.5;

const round = (seconds: number, step: number): number => Math.max(0, Math.round(seconds / step) * step);

const AudioClipBlock = memo(function AudioClipBlock({ id, pxPerSecond }: { id: string; pxPerSecond: number }) {
  const { stores } = useStudio();
  const clip = useStore(stores.project, (s) => audioById(s, id));
  const selected = useStore(stores.project, (s) => s.audioId === id);
  const gesture = useRef<{ pointerId: number; startX: number; start: number; key: string; moved: boolean } | null>(null);
  if (clip === undefined) return null;
  const project = stores.project.getState;

  const onPointerDown = (event: ReactPointerEvent<HTMLLIElement>): void => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    gesture.current = { pointerId: event.pointerId, startX: event.clientX, start: clip.startSec, key: `drag-${event.pointerId}-${event.timeStamp}`, moved: false };
    project().selectAudio(id);
  };
  const onPointerMove = (event: ReactPointerEvent<HTMLLIElement>): void => {
    const g = gesture.current;
    if (g === null || g.pointerId !== event.pointerId) return;
    const startSec = Math.min(PROJECT_LIMITS.startSec.max, round(g.start + (event.clientX - g.startX) / pxPerSecond, SNAP_SECONDS));
    g.moved = true;
    project().updateAudio(id, { startSec }, g.key);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLLIElement>): void => {
    if (event.altKey && (event.key === 'ArrowLeft' || event.key === 'ArrowRight')) {
      event.preventDefault();
      const startSec = round(clip.startSec + (event.key === 'ArrowLeft' ? -NUDGE_SECONDS : NUDGE_SECONDS), SNAP_SECONDS);
      project().updateAudio(id, { startSec });
    } else if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      project().removeAudio(id);
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      project().selectAudio(id);
    }
  };
  return (
    <li
      className={`audio-clip${selected ? ' selected' : ''}`}
      data-audio-clip={id}
      style={{ left: clip.startSec * pxPerSecond, width: Math.max(4, clip.durationSec * pxPerSecond) }}
      tabIndex={0}
      aria-label={`${clip.name}, from ${clip.startSec.toFixed(2)} s, ${clip.durationSec.toFixed(1)} s long${selected ? ', selected' : ''}`}
      title={clip.file}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={() => (gesture.current = null)}
      onPointerCancel={() => (gesture.current = null)}
      onKeyDown={onKeyDown}
    >
      <span className="clip-name">{clip.name}</span>
    </li>
  );
});

const parseStart = numberParser(PROJECT_LIMITS.startSec) as (text: string) => Parsed<number>;
const parseGain = numberParser(PROJECT_LIMITS.gainDb, { optional: true });

/** The selected clip's placement and level. */
function AudioClipInspector() {
  const { stores } = useStudio();
  const clip = useStore(stores.project, (s) => audioById(s, s.audioId));
  if (clip === undefined) return null;
  const project = stores.project.getState;
  return (
    <div className="clip-inspector" role="group" aria-label="Audio clip">
      <span className="muted">
        <strong>{clip.name}</strong> ({clip.file}, {clip.durationSec.toFixed(1)} s)
      </span>
      <DraftField label="Start (s)" type="number" value={clip.startSec} format={String} parse={parseStart} onCommit={(startSec) => project().updateAudio(clip.id, { startSec }, 'start')} min={0} step="any" />
      <DraftField label="Gain (dB)" type="number" value={clip.gainDb} format={formatOptionalNumber} parse={parseGain} onCommit={(gainDb) => project().updateAudio(clip.id, { gainDb }, 'gain')} placeholder="0" min={PROJECT_LIMITS.gainDb.min} max={PROJECT_LIMITS.gainDb.max} step="any" />
      <button type="button" onClick={() => project().removeAudio(clip.id)}>
        Remove audio
      </button>
    </div>
  );
}

/** A WAV or MP3 by its path; the engine copies it into the project's audio/ folder. */
function AddAudioForm() {
  const { api, stores } = useStudio();
  const folder = useStore(stores.project, (s) => s.folder);
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (folder === null || path.trim() === '') return;
    setBusy(true);
    setError(null);
    try {
      const imported = await api.invoke('projects.addAudio', { folder, file: path.trim() });
      stores.project.getState().addAudio(imported);
      setPath('');
    } catch (e) {
      setError(asIpcError(e).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="add-audio" onSubmit={(e) => void submit(e)}>
      <label htmlFor={inputId}>Audio file</label>
      <input id={inputId} type="text" value={path} placeholder="/path/to/music.wav (WAV or MP3)" spellCheck={false} onChange={(e) => setPath(e.target.value)} />
      <button type="submit" disabled={busy || path.trim() === ''}>
        Add audio
      </button>
      {error !== null ? (
        <span role="alert" className="field-error">
          {error}
        </span>
      ) : null}
    </form>
  );
}

/** The audio row under the shots, on the same time scale. */
export function AudioTrack({ pxPerSecond }: { pxPerSecond: number }) {
  const { stores } = useStudio();
  const ids = useStore(stores.project, useShallow(audioIds));
  const end = useStore(stores.project, (s) => (s.doc === null ? 0 : Math.max(totalSeconds(s.doc), ...s.doc.audio.map((c) => c.startSec + c.durationSec))));
  return (
    <div className="track-row">
      <span className="track-label" aria-hidden="true">
        Audio
      </span>
      <div className="track-lane">
        <ul className="audio-track" aria-label="Audio track" style={{ width: Math.max(1, end) * pxPerSecond }}>
          {ids.map((id) => (
            <AudioClipBlock key={id} id={id} pxPerSecond={pxPerSecond} />
          ))}
        </ul>
      </div>
    </div>
  );
}

/** Under the tracks: the selected clip's fields, and adding a file. */
export function AudioControls() {
  return (
    <div className="audio-controls">
      <AudioClipInspector />
      <AddAudioForm />
    </div>
  );
}
