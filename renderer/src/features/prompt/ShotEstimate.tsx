import type { ShotEstimateDto } from '../../../../electron/common/channels/estimate';
import type { DeviceName, Shot } from '../../../../electron/common/channels/projects';
import { useStudio } from '../../app/context';
import { useEstimateStore } from '../estimate/estimate-store';
import { formatBytes, formatEnergy, formatMoney, formatSeconds } from '../estimate/format';
import { useLatestQuery } from '../estimate/use-latest-query';
import '../estimate/estimate.css';

// The cost of the shot in focus, from the engine's `estimate.shot` (the keys of `aiprod estimate`):
// time, energy, money, peak memory and provider, asked again after a short pause whenever a
// setting of the shot or the project's device changes; a late answer to an older question is
// dropped. The studio never shows a number the engine did not compute: while a pack is first
// calibrated it shows the engine's first guess, marked as such, and "calibrating…".

const DEBOUNCE_MS = 300;

function CalibrationNote({ estimate }: { estimate: ShotEstimateDto }) {
  const { calibration } = estimate;
  switch (calibration.state) {
    case 'calibrating':
      return (
        <p className="muted estimate-note" role="status">
          Calibrating… this machine is measuring {estimate.model} on {estimate.executionProvider.toUpperCase()}; this is a first guess until it is done.
        </p>
      );
    case 'failed':
      return <p className="muted estimate-note">First guess: calibrating {estimate.model} failed ({calibration.message ?? 'no reason given'}).</p>;
    case 'uncalibrated':
      return <p className="muted estimate-note">First guess: {calibration.message ?? `${estimate.model} has not been measured on this machine yet`}.</p>;
    case 'calibrated':
      return null;
  }
}

function EstimateFigures({ estimate, stale }: { estimate: ShotEstimateDto; stale: boolean }) {
  const memory = estimate.memoryKind === 'vram' ? 'VRAM' : 'RAM';
  return (
    <dl className={`estimate-figures${stale ? ' stale' : ''}`}>
      <div>
        <dt>Time</dt>
        <dd>
          <data value={estimate.seconds}>{formatSeconds(estimate.seconds)}</data>
        </dd>
      </div>
      <div>
        <dt>Energy</dt>
        <dd>{formatEnergy(estimate.energyKWh)}</dd>
      </div>
      <div>
        <dt>Cost</dt>
        <dd>
          <data value={estimate.cost.amount}>{formatMoney(estimate.cost.amount, estimate.cost.currency)}</data>
        </dd>
      </div>
      <div>
        <dt>Memory</dt>
        <dd title={estimate.memoryNote}>
          {formatBytes(estimate.vramBytes)} {memory}
        </dd>
      </div>
      <div>
        <dt>Provider</dt>
        <dd title={estimate.providerReason ?? estimate.device}>{estimate.executionProvider.toUpperCase()}</dd>
      </div>
    </dl>
  );
}

export function ShotEstimate({ shot, device }: { shot: Shot; device: DeviceName }) {
  const { api } = useStudio();
  const revision = useEstimateStore((s) => s.revision);
  const { model, tier, steps, frames, guidance } = shot;
  const request = {
    model,
    tier,
    device,
    ...(steps === undefined ? {} : { steps }),
    ...(frames === undefined ? {} : { frames }),
    ...(guidance === undefined ? {} : { guidance }),
  };
  const query = useLatestQuery(JSON.stringify(request), revision, () => api.invoke('estimate.shot', request), DEBOUNCE_MS);
  const estimate = query.value;
  return (
    <section className="wide estimate" aria-label="Shot estimate" aria-busy={query.pending}>
      {query.error !== null ? (
        <p className="estimate-problem">Estimate unavailable: {query.error.message}</p>
      ) : estimate === null ? (
        <p className="muted">Estimating…</p>
      ) : (
        <>
          <EstimateFigures estimate={estimate} stale={query.pending} />
          <CalibrationNote estimate={estimate} />
          {estimate.fit.fits ? null : <p className="estimate-problem">{estimate.fit.message ?? 'This shot may not fit in memory.'}</p>}
        </>
      )}
    </section>
  );
}
