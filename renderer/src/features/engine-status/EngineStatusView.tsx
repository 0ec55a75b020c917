import type { ReactNode } from 'react';
import type { AppInfo } from '../../../../electron/common/channels/app';
import type { AppInfoState } from '../../stores/app-info';

function Field({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div className="field">
      <dt id={id}>{label}</dt>
      <dd aria-labelledby={id}>{children}</dd>
    </div>
  );
}

function shellLabel(info: AppInfo): string {
  return info.shell === 'electron' ? `Electron ${info.shellVersion}` : `Headless host ${info.shellVersion}`;
}

function Providers({ info }: { info: AppInfo }) {
  const { cuda } = info.executionProviders;
  return (
    <ul className="providers" aria-label="Execution providers">
      <li aria-label="CPU execution provider">
        <span className="badge ok">CPU</span> available
      </li>
      <li aria-label="CUDA execution provider">
        <span className={cuda.available ? 'badge ok' : 'badge off'}>CUDA</span> {cuda.available ? 'available' : 'unavailable'}
        {!cuda.available && cuda.reason !== undefined ? <span className="reason">: {cuda.reason}</span> : null}
      </li>
    </ul>
  );
}

function Ffmpeg({ ffmpeg }: { ffmpeg: AppInfo['ffmpeg'] }) {
  if (ffmpeg.path === null) return <span className="problem">not found{ffmpeg.error !== undefined ? `: ${ffmpeg.error}` : ''}</span>;
  return (
    <>
      <code>{ffmpeg.path}</code>
      {ffmpeg.version !== undefined ? <span className="muted"> ({ffmpeg.version})</span> : null}
    </>
  );
}

function Packs({ packs }: { packs: AppInfo['packs'] }) {
  if (packs.length === 0) return <p className="muted">No model pack found in the shipped folder or the library.</p>;
  return (
    <table className="packs" aria-label="Model packs">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Id</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {packs.map((pack, i) => (
          <tr key={`${pack.id}-${i}`}>
            <td>{pack.name}</td>
            <td>
              <code>{pack.id}</code>
            </td>
            <td>{pack.status.replaceAll('_', ' ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The engine status panel for a given store state (no store access, so it renders anywhere). */
export function EngineStatusView({ state, onRetry }: { state: AppInfoState; onRetry?: () => void }) {
  const { info } = state;
  return (
    <section className="panel" aria-labelledby="engine-status-title" aria-busy={state.status === 'loading'}>
      <h2 id="engine-status-title">Engine status</h2>
      {state.status === 'error' ? (
        <div role="alert" className="alert">
          <strong>{state.error.code}</strong> {state.error.message}
          {onRetry !== undefined ? (
            <button type="button" onClick={onRetry}>
              Try again
            </button>
          ) : null}
        </div>
      ) : null}
      {info === null ? (
        state.status !== 'error' ? (
          <p role="status" className="muted">
            Reading the engine status…
          </p>
        ) : null
      ) : (
        <>
          <dl className="fields">
            <Field id="status-app-version" label="App version">
              {info.appVersion}
            </Field>
            <Field id="status-shell" label="Shell">
              {shellLabel(info)}
            </Field>
            <Field id="status-node" label="Node">
              {info.node}
            </Field>
            <Field id="status-onnxruntime" label="onnxruntime">
              {info.onnxruntime}
            </Field>
            <Field id="status-platform" label="Platform">
              {info.platform}
            </Field>
            <Field id="status-providers" label="Execution providers">
              <Providers info={info} />
            </Field>
            <Field id="status-ffmpeg" label="ffmpeg">
              <Ffmpeg ffmpeg={info.ffmpeg} />
            </Field>
          </dl>
          <h3 id="packs-title">Model packs</h3>
          <Packs packs={info.packs} />
        </>
      )}
    </section>
  );
}
