import type { SovereigntyReportDto } from '../../../../electron/common/channels/report';
import { ScoreBadge } from './fields';

/** The overall score, the verdict, and each criterion with the reasons it lost points. */
export function ScoreSection({ score }: { score: SovereigntyReportDto['score'] }) {
  return (
    <>
      <p className={`report-verdict ${score.verdict}`}>
        Overall <ScoreBadge score={score.overall} /> {score.verdictText}
      </p>
      <table className="report-table" aria-label="Scores by criterion">
        <thead>
          <tr>
            <th scope="col">Criterion</th>
            <th scope="col">Score</th>
            <th scope="col">Justification</th>
          </tr>
        </thead>
        <tbody>
          {score.criteria.map((c) => (
            <tr key={c.id} aria-label={c.title}>
              <th scope="row">{c.title}</th>
              <td>
                <ScoreBadge score={c.score} />
              </td>
              <td>{c.justification}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
