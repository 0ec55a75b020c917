import type { ReactNode } from 'react';
import { REPORT_SECTIONS, type NetworkStatsDto, type ReportSectionKey, type SovereigntyReportDto } from '../../../../electron/common/channels/report';
import { DependenciesSection } from './DependenciesSection';
import { controlValue, Fields, ScoreBadge } from './fields';
import { ModelsSection } from './ModelsSection';
import { NetworkSection } from './NetworkSection';
import { PackagingSection } from './PackagingSection';
import type { DependencyFilter, ModelFilter } from './report-filters';
import { ReproducibilitySection } from './ReproducibilitySection';
import { ScoreSection } from './ScoreSection';

// The report itself: its seal (issue date, content hash, overall score), the search box, and the
// sections in the order of REPORT_SECTIONS. A pure view of its props, so tests can render it.

export interface ReportViewProps {
  report: SovereigntyReportDto;
  /** The shell's guard counts now (they move on after the report was issued). */
  live: NetworkStatsDto | null;
  query: string;
  modelFilter: ModelFilter;
  dependencyFilter: DependencyFilter;
  onQuery(query: string): void;
  onModelFilter(filter: ModelFilter): void;
  onDependencyFilter(filter: DependencyFilter): void;
  /** Brings a section into view (the page scrolls; buttons, not #anchors, since the hash is the route). */
  onJump(key: ReportSectionKey): void;
}

export const sectionId = (key: ReportSectionKey): string => `report-section-${key}`;

export function ReportView(props: ReportViewProps) {
  const { report, live, query, modelFilter, dependencyFilter } = props;
  const bodies: Record<ReportSectionKey, ReactNode> = {
    score: <ScoreSection score={report.score} />,
    models: <ModelsSection models={report.models} filter={modelFilter} query={query} onFilter={props.onModelFilter} />,
    dependencies: <DependenciesSection dependencies={report.dependencies} summary={report.dependencySummary} filter={dependencyFilter} query={query} onFilter={props.onDependencyFilter} />,
    network: <NetworkSection network={report.network} live={live} />,
    reproducibility: <ReproducibilitySection facts={report.reproducibility} />,
    packaging: <PackagingSection packaging={report.packaging} />,
  };
  return (
    <div className="report">
      <section className="panel report-seal" aria-labelledby="report-seal-title">
        <h2 id="report-seal-title">
          {report.product.name} {report.product.version}
        </h2>
        <p className="report-overall">
          Overall score <ScoreBadge score={report.score.overall} /> <span>{report.score.verdictText}</span>
        </p>
        <Fields
          label="Report seal"
          items={[
            ['Issued', <time key="issued" dateTime={report.issuedAt}>{report.issuedAt}</time>],
            ['Issued by', report.product.owner],
            ['Content hash (SHA-256)', <code key="hash">{report.contentHash}</code>],
            ['Format', report.format],
          ]}
        />
      </section>

      <div className="report-tools" role="search" aria-label="Search the report">
        <label htmlFor="report-search">Search names and licences</label>
        <input id="report-search" type="search" value={query} placeholder="e.g. MIT, GPL, zod, nano" onChange={(e) => props.onQuery(controlValue(e))} />
        <nav aria-label="Report sections" className="report-jump">
          {REPORT_SECTIONS.map((s) => (
            <button key={s.key} type="button" className="link" onClick={() => props.onJump(s.key)}>
              {s.title}
            </button>
          ))}
        </nav>
      </div>

      {REPORT_SECTIONS.map((s) => (
        <section key={s.key} id={sectionId(s.key)} className="panel report-section" aria-labelledby={`${sectionId(s.key)}-title`}>
          <h2 id={`${sectionId(s.key)}-title`}>{s.title}</h2>
          {bodies[s.key]}
        </section>
      ))}

      {report.notes.length > 0 ? (
        <section className="panel report-section" aria-labelledby="report-notes-title">
          <h2 id="report-notes-title">Notes</h2>
          <ul>
            {report.notes.map((note, i) => (
              <li key={i}>{note}</li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
