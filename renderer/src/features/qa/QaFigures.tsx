import type { QaAnalysisDto, QaThresholds } from '../../../../electron/common/channels/qa';
import { QaBadge } from './QaBadge';
import { qaBadges, type MetricBadge } from './verdicts';

const fixed = (value: number | null, digits: number): string => (value === null ? '—' : value.toFixed(digits));

function BadgeRow({ badge }: { badge: MetricBadge }) {
  return (
    <tr>
      <th scope="row">{badge.label}</th>
      <td>{badge.value}</td>
      <td className="muted">{badge.threshold ?? 'off'}</td>
      <td>
        <QaBadge verdict={badge.verdict} label={badge.label} title={badge.why} />
      </td>
    </tr>
  );
}

/** The figures of the last analysis of a render, each with its bar and its badge. */
export function QaFigures({ analysis, thresholds }: { analysis: QaAnalysisDto | null; thresholds: QaThresholds }) {
  const report = analysis?.report ?? null;
  const badges = qaBadges(report, thresholds);
  const prompt = report?.prompt;
  return (
    <div className="qa-figures">
      <table aria-label="Quality figures">
        <thead>
          <tr>
            <th scope="col">Check</th>
            <th scope="col">Measured</th>
            <th scope="col">Bar</th>
            <th scope="col">Verdict</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Frames</th>
            <td>{report === null ? '—' : `${report.frames} (${report.width}×${report.height}${report.fps === null ? '' : ` @ ${report.fps} fps`})`}</td>
            <td />
            <td />
          </tr>
          <tr>
            <th scope="row">Temporal stability</th>
            <td>
              {report === null ? '—' : `mean frame-to-frame SSIM ${fixed(report.temporal.meanFrameSsim, 4)} (lowest ${fixed(report.temporal.minFrameSsim, 4)})`}
            </td>
            <td />
            <td />
          </tr>
          {badges.map((badge) => (
            <BadgeRow key={badge.key} badge={badge} />
          ))}
        </tbody>
      </table>
      {report?.reference !== null && report?.reference !== undefined ? (
        <p className="muted">
          Compared with <code>{report.reference}</code>
          {report.policy === undefined ? '' : ` (${report.policy.frames})`}.
        </p>
      ) : null}
      {prompt?.scored === true ? (
        <p className="muted">
          Prompt judged by {prompt.judge}: colour {prompt.observed.colour}, motion {prompt.observed.motion}, shape {prompt.observed.shape}
          {prompt.notes.length > 0 ? ` · ${prompt.notes.join(' · ')}` : ''}
        </p>
      ) : prompt !== undefined ? (
        <p className="muted">Prompt not scored: {prompt.reason}</p>
      ) : null}
      {analysis !== null ? <p className="muted">Analysed {new Date(analysis.at).toLocaleString()}.</p> : null}
    </div>
  );
}
