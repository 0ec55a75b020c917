import { useCallback, useEffect, useRef, useState } from 'react';
import type { ModelPackDto } from '../../../../electron/common/channels/models';
import { useStudio } from '../../app/context';
import { pickedFiles } from './dropped-files';
import { formatBytes, formatEta, formatRate, packBadge, provenanceLine } from './format';
import type { Operation } from './models-store';
import { modelsStoreFor, useModelsStore } from './use-models-store';
import { RemoveDialog } from './RemoveDialog';
import './models.css';

// The Models page: the library's packs with their state, licence, size and provenance, a Verify
// button per pack, Remove (imported packs only, after a confirmation), and the imports and
// verifications in progress. Files are imported by dropping them anywhere on the window
// (ModelDropOverlay) or with "Choose files…".

const PHASE_TEXT: Record<Operation['phase'], string> = {
  start: 'starting',
  upload: 'uploading',
  copy: 'copying and hashing',
  verify: 'verifying',
  done: 'done',
  failed: 'failed',
};

function OperationRow({ op, onDismiss }: { op: Operation; onDismiss(): void }) {
  const finished = op.phase === 'done' || op.phase === 'failed';
  const total = op.totalBytes ?? 0;
  const percent = op.phase === 'done' ? 100 : total > 0 ? Math.min(100, Math.floor((100 * op.bytes) / total)) : null;
  const what = op.operation === 'import' ? 'Import' : 'Verification';
  const rate = finished ? null : formatRate(op.rate);
  const eta = finished ? null : formatEta(op.etaMs);
  return (
    <li className={`model-op model-op-${op.phase}`} aria-label={`${what} of ${op.label}`}>
      <div className="model-op-head">
        <span className="model-op-label">
          {what} of {op.label}
        </span>
        <span className={`badge op-${op.phase}`}>{PHASE_TEXT[op.phase]}</span>
        {finished ? (
          <button type="button" className="link" onClick={onDismiss} aria-label={`Dismiss ${what.toLowerCase()} of ${op.label}`}>
            Dismiss
          </button>
        ) : null}
      </div>
      {op.phase === 'failed' ? (
        <p className="problem" role="alert">
          {op.error?.message ?? 'failed'} {op.error !== undefined ? <span className="muted">[{op.error.code}]</span> : null}
        </p>
      ) : (
        <>
          <progress aria-label={`${what} progress of ${op.label}`} max={100} {...(percent === null ? {} : { value: percent })} />
          <p className="muted model-op-figures">
            {op.phase === 'done' && op.packId ? `${op.operation === 'import' ? 'Imported' : 'Verified'} ${op.packId}: ` : ''}
            {op.totalFiles !== null ? `${op.files}/${op.totalFiles} files` : `${op.files} files`}
            {' · '}
            {total > 0 ? `${formatBytes(op.bytes)} of ${formatBytes(total)}` : formatBytes(op.bytes)}
            {rate !== null ? ` · ${rate}` : ''}
            {eta !== null ? ` · ${eta}` : ''}
            {op.file !== undefined && !finished ? ` · ${op.file}` : ''}
          </p>
        </>
      )}
    </li>
  );
}

function PackRow({ pack, onRemove }: { pack: ModelPackDto; onRemove(): void }) {
  const { api } = useStudio();
  const busy = useModelsStore((s) => s.busy[pack.id] ?? s.busy['*']);
  const checked = useModelsStore((s) => s.checked[pack.id]);
  const badge = packBadge(pack);
  return (
    <tr aria-label={pack.name}>
      <td>
        <div className="pack-name">{pack.name}</div>
        <div className="muted">
          <code>{pack.id}</code> {pack.version}
        </div>
      </td>
      <td>
        <span className={`badge pack-${badge.kind}`} aria-label={`Status: ${badge.text}`}>
          {badge.text}
        </span>
        {pack.problem !== null ? <div className="problem pack-problem">{pack.problem}</div> : null}
        {checked !== undefined && checked.ok && pack.problem === null ? <div className="muted">all files match their hashes</div> : null}
      </td>
      <td>
        {pack.license}
        <div className="muted">{pack.owner}</div>
      </td>
      <td>
        {formatBytes(pack.bytes)}
        <div className="muted">{pack.files} files</div>
      </td>
      <td>{provenanceLine(pack.provenance)}</td>
      <td>{pack.source === 'shipped' ? 'shipped (read-only)' : 'imported'}</td>
      <td className="pack-actions">
        <button type="button" onClick={() => void modelsStoreFor(api).getState().verify(pack.id)} disabled={busy !== undefined} aria-label={`Verify ${pack.name}`}>
          {busy === 'verify' ? 'Verifying…' : 'Verify'}
        </button>
        {pack.source === 'imported' ? (
          <button type="button" className="danger" onClick={onRemove} disabled={busy !== undefined} aria-label={`Remove ${pack.name}`}>
            Remove
          </button>
        ) : null}
      </td>
    </tr>
  );
}

export function ModelsPage() {
  const { api } = useStudio();
  const store = modelsStoreFor(api);
  const loaded = useModelsStore((s) => s.loaded);
  const packs = useModelsStore((s) => s.packs);
  const operations = useModelsStore((s) => s.operations);
  const error = useModelsStore((s) => s.error);
  const verifyingAll = useModelsStore((s) => s.busy['*'] !== undefined);
  const removing = useModelsStore((s) => s.busy);
  const [confirming, setConfirming] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const off = store.getState().follow();
    void store.getState().load();
    return off;
  }, [store]);

  const cancel = useCallback(() => setConfirming(null), []);
  const pack = confirming === null ? undefined : packs.find((p) => p.id === confirming);

  return (
    <section className="panel models-page" aria-labelledby="models-title">
      <div className="models-head">
        <h2 id="models-title">Model packs</h2>
        <div className="models-tools">
          <button type="button" onClick={() => input.current?.click()}>
            Choose files…
          </button>
          <input
            ref={input}
            type="file"
            multiple
            hidden
            aria-label="Model pack files to import"
            onChange={(event) => {
              const files = event.currentTarget.files;
              if (files !== null && files.length > 0) void store.getState().importDrop(pickedFiles(files));
              event.currentTarget.value = '';
            }}
          />
          <button type="button" onClick={() => void store.getState().verify()} disabled={verifyingAll || packs.length === 0}>
            {verifyingAll ? 'Verifying all…' : 'Verify all'}
          </button>
        </div>
      </div>
      <p className="muted">
        Drop a pack folder, the pack&apos;s files, or a .zip / .tar(.gz) anywhere on this window to import it. Every file is hashed while it is copied; a pack with a file
        that does not match its CHECKSUMS.sha256 is refused and the library stays as it was.
      </p>

      {error !== null ? (
        <div className="alert" role="alert">
          <span>
            {error.message} <span className="muted">[{error.code}]</span>
          </span>
          <button type="button" onClick={() => store.getState().dismissError()}>
            Dismiss
          </button>
        </div>
      ) : null}

      {operations.length > 0 ? (
        <ul className="model-ops" aria-label="Imports and verifications">
          {operations.map((op) => (
            <OperationRow key={op.id} op={op} onDismiss={() => store.getState().dismiss(op.id)} />
          ))}
        </ul>
      ) : null}

      {!loaded ? (
        <p className="muted">Reading the library…</p>
      ) : packs.length === 0 ? (
        <p className="muted">No model packs yet.</p>
      ) : (
        <table className="packs model-packs" aria-label="Model packs in the library">
          <thead>
            <tr>
              <th scope="col">Pack</th>
              <th scope="col">Status</th>
              <th scope="col">License</th>
              <th scope="col">Size</th>
              <th scope="col">Provenance</th>
              <th scope="col">Source</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {packs.map((p) => (
              <PackRow key={p.id} pack={p} onRemove={() => setConfirming(p.id)} />
            ))}
          </tbody>
        </table>
      )}

      {pack !== undefined ? (
        <RemoveDialog
          pack={pack}
          busy={removing[pack.id] === 'remove'}
          onCancel={cancel}
          onConfirm={() => {
            void store
              .getState()
              .remove(pack.id)
              .then(() => setConfirming(null));
          }}
        />
      ) : null}
    </section>
  );
}
