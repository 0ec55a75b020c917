import type { DifferenceDto, RerenderCheckDto } from '../../../../electron/common/channels/qa';
import { QaBadge } from './QaBadge';
import { formatDb, rerenderVerdict } from './verdicts';

const shortValue = (value: DifferenceDto['recorded']): string => {
  if (value === null) return 'none';
  if (typeof value === 'string' && /^[0-9a-f]{64}$/.test(value)) return `${value.slice(0, 12)}…`;
  return String(value);
};

function Differences({ title, list }: { title: string; list: readonly DifferenceDto[] }) {
  if (list.length === 0) return null;
  return (
    <div className="qa-differences">
      <h4>{title}</h4>
      <ul aria-label={title}>
        {list.map((d) => (
          <li key={`${d.kind}:${d.field}`}>
            <code>{d.field}</code>: recorded <code>{shortValue(d.recorded)}</code>, now <code>{shortValue(d.now)}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The last re-render check of a render: its verdict, the frame hashes, PSNR/SSIM, and what differed. */
export function RerenderCheckView({ check }: { check: RerenderCheckDto | null }) {
  if (check === null) return <p className="muted">No re-render check yet: it renders the shot again from its record and compares the frames.</p>;
  const verdict = rerenderVerdict(check);
  return (
    <div className="qa-rerender" aria-label="Re-render check result">
      <p>
        <QaBadge verdict={verdict} label="Re-render check" /> <span>{check.summary}</span>
      </p>
      <dl className="qa-facts">
        <dt>Frame hash</dt>
        <dd>
          {check.frameHash.equal ? 'equal' : 'different'}: recorded <code>{check.frameHash.recorded.slice(0, 16)}…</code>, re-render <code>{check.frameHash.now.slice(0, 16)}…</code>
        </dd>
        <dt>PSNR / SSIM</dt>
        <dd>
          {formatDb(check.psnr)} / {check.ssim === null ? '—' : check.ssim.toFixed(4)}
          {check.comparison === null ? '' : ` (${check.comparison})`}
        </dd>
        <dt>Provider</dt>
        <dd>
          recorded {check.provider.recorded}, re-rendered {check.provider.now}
        </dd>
        <dt>Checked</dt>
        <dd>{new Date(check.checkedAt).toLocaleString()}</dd>
      </dl>
      {check.reasons.length > 0 ? (
        <ul className="problem" aria-label="Why the check failed">
          {check.reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      ) : null}
      <Differences title="Environment differs from the record" list={check.environment.differences} />
      <Differences title="What differed" list={check.differences.filter((d) => check.status === 'failed' || (d.kind !== 'frames' && d.kind !== 'output'))} />
      {check.notes.map((note) => (
        <p key={note} className="muted">
          {note}
        </p>
      ))}
    </div>
  );
}
