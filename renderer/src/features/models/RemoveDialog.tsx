import { useEffect, useRef } from 'react';
import type { ModelPackDto } from '../../../../electron/common/channels/models';
import { formatBytes } from './format';

// The confirmation before a pack leaves the library: a modal dialog in the page (focus on the safe
// answer, Escape cancels, a backdrop over the page), not window.confirm.

export interface RemoveDialogProps {
  pack: ModelPackDto;
  busy: boolean;
  onConfirm(): void;
  onCancel(): void;
}

export function RemoveDialog({ pack, busy, onConfirm, onCancel }: RemoveDialogProps) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    cancelRef.current?.focus();
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape') onCancel();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCancel]);

  return (
    <div className="modal-backdrop">
      <div className="modal" role="alertdialog" aria-modal="true" aria-labelledby="remove-pack-title" aria-describedby="remove-pack-text">
        <h2 id="remove-pack-title">Remove {pack.name}?</h2>
        <p id="remove-pack-text">
          The pack <code>{pack.id}</code> ({formatBytes(pack.bytes)}, {pack.files} files) will be deleted from the library folder <code>{pack.path}</code>. Renders already made
          keep their records; rendering with this pack again needs a new import.
        </p>
        <div className="modal-actions">
          <button type="button" ref={cancelRef} onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button type="button" className="danger" onClick={onConfirm} disabled={busy}>
            {busy ? 'Removing…' : 'Remove'}
          </button>
        </div>
      </div>
    </div>
  );
}
