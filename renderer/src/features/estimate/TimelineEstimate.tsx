import { useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import type { TimelineEstimateDto } from '../../../../electron/common/channels/estimate';
import type { Project } from '../../../../electron/common/channels/projects';
import { useStudio } from '../../app/context';
import { useEstimateStore } from './estimate-store';
import { describeAccuracy, formatBytes, formatEnergy, formatMoney, formatSeconds } from './format';
import { useLatestQuery } from './use-latest-query';
import './estimate.css';

// The whole timeline's cost next to the timeline: the engine's `estimate.timeline` (the shots
// rendered in order by one worker), asked again after a pause in the edits, with the running
// accuracy of the estimates beside it. Shots the engine cannot estimate are named, not hidden.

const DEBOUNCE_MS = 500;

type ShotRequest = { model: string; tier: Project['shots'][number]['tier']; steps?: number; frames?: number; guidance?: number };

/** What each shot asks of a render, and nothing else: renaming or trimming a shot asks nothing new. */
function shotRequests(shots: Project['shots'] | undefined): ShotRequest[] {
  return (shots ?? []).map(({ model, tier, steps, frames, guidance }) => ({
    model,
    tier,
    ...(steps === undefined ? {} : { steps }),
    ...(frames === undefined ? {} : { frames }),
    ...(guidance === undefined ? {} : { guidance }),
  }));
}

function Totals({ total, stale }: { total: TimelineEstimateDto; stale: boolean }) {
  const missing = total.shotCount - total.estimatedShots;
  return (
    <p className={`estimate-total${stale ? ' stale' : ''}`}>
      <strong>Timeline estimate:</strong> <data value={total.seconds}>{formatSeconds(total.seconds)}</data>, {formatEnergy(total.energyKWh)},{' '}
      <data value={total.cost.amount}>{formatMoney(total.cost.amount, total.cost.currency)}</data>, peak {formatBytes(total.vramBytes)}
      {missing > 0 ? ` (${total.estimatedShots} of ${total.shotCount} shots)` : ` for ${total.shotCount} ${total.shotCount === 1 ? 'shot' : 'shots'}`}
      {total.calibrating ? <span className="muted"> · calibrating…</span> : null}
    </p>
  );
}

function Problems({ total }: { total: TimelineEstimateDto }) {
  const problems = total.shots.flatMap((outcome, index) => (outcome.ok ? [] : [{ index, message: outcome.error.message }]));
  if (problems.length === 0) return null;
  return (
    <ul className="estimate-problems">
      {problems.slice(0, 3).map((p) => (
        <li key={p.index} className="estimate-problem">
          Shot {p.index + 1}: {p.message}
        </li>
      ))}
      {problems.length > 3 ? <li className="muted">and {problems.length - 3} more</li> : null}
    </ul>
  );
}

export function TimelineEstimate() {
  const { api, stores } = useStudio();
  const docShots = useStore(stores.project, (s) => s.doc?.shots);
  const shots = useMemo(() => shotRequests(docShots), [docShots]);
  const device = useStore(stores.project, (s) => s.doc?.settings.device ?? 'auto');
  const revision = useEstimateStore((s) => s.revision);
  const accuracy = useEstimateStore((s) => s.accuracy);
  const loadAccuracy = useEstimateStore((s) => s.loadAccuracy);
  useEffect(() => {
    void loadAccuracy();
  }, [loadAccuracy]);
  const key = JSON.stringify({ shots, device });
  const query = useLatestQuery(key, revision, () => api.invoke('estimate.timeline', { shots, device }), DEBOUNCE_MS);
  return (
    <section className="panel timeline-estimate" aria-label="Timeline estimate" aria-busy={query.pending}>
      {shots.length === 0 ? (
        <p className="muted">Timeline estimate: no shot yet.</p>
      ) : query.error !== null ? (
        <p className="estimate-problem">Timeline estimate unavailable: {query.error.message}</p>
      ) : query.value === null ? (
        <p className="muted">Estimating the timeline…</p>
      ) : (
        <>
          <Totals total={query.value} stale={query.pending} />
          <Problems total={query.value} />
        </>
      )}
      <p className="muted estimate-accuracy">{describeAccuracy(accuracy)}</p>
    </section>
  );
}
