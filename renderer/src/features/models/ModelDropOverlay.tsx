import { useEffect, useState, type DragEvent as ReactDragEvent } from 'react';
import { useStudio } from '../../app/context';
import { carriesFiles, readDrop } from './dropped-files';
import { modelsStoreFor } from './use-models-store';
import './models.css';

// The whole window is the drop zone for model packs: a drag of files anywhere on the studio shows
// this overlay over everything, and a drop on it imports what was dropped and opens the Models page,
// where the import's progress shows. Drags that carry no files (the timeline's own) are left alone.

export function ModelDropOverlay() {
  const { api } = useStudio();
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    const onEnter = (event: DragEvent): void => {
      if (!carriesFiles(event.dataTransfer?.types)) return;
      event.preventDefault();
      setDragging(true);
    };
    // Without these the browser would open a file dropped beside the overlay, leaving the studio.
    const onOverOrDrop = (event: DragEvent): void => {
      if (carriesFiles(event.dataTransfer?.types)) event.preventDefault();
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragover', onOverOrDrop);
    window.addEventListener('drop', onOverOrDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragover', onOverOrDrop);
      window.removeEventListener('drop', onOverOrDrop);
    };
  }, []);

  if (!dragging) return null;

  const onOver = (event: ReactDragEvent<HTMLDivElement>): void => {
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  };
  const onLeave = (event: ReactDragEvent<HTMLDivElement>): void => {
    // Leaving for a child of the overlay is not leaving the window.
    if (event.relatedTarget === null || !event.currentTarget.contains(event.relatedTarget as Node)) setDragging(false);
  };
  const onDrop = (event: ReactDragEvent<HTMLDivElement>): void => {
    event.preventDefault();
    setDragging(false);
    // The DataTransfer is emptied once this handler returns: read it now.
    const reading = readDrop(event.dataTransfer);
    window.location.hash = '#/models';
    void reading.then((dropped) => modelsStoreFor(api).getState().importDrop(dropped));
  };

  return (
    <div className="model-drop-overlay" role="region" aria-label="Drop model packs to import" onDragOver={onOver} onDragLeave={onLeave} onDrop={onDrop}>
      <div className="model-drop-card">
        <p className="model-drop-title">Drop to import a model pack</p>
        <p className="muted">A pack folder, its files, or a .zip / .tar(.gz). Every file is hashed and checked before the pack joins the library.</p>
      </div>
    </div>
  );
}
