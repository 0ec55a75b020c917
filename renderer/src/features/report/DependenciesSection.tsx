import type { SovereigntyReportDto } from '../../../../electron/common/channels/report';
import { controlValue, Fields, Shown } from './fields';
import { DEPENDENCY_FILTERS, filterDependencies, isDependencyFilter, type DependencyFilter } from './report-filters';

export interface DependenciesSectionProps {
  dependencies: SovereigntyReportDto['dependencies'];
  summary: SovereigntyReportDto['dependencySummary'];
  filter: DependencyFilter;
  query: string;
  onFilter(filter: DependencyFilter): void;
}

/** The production packages as installed, with their licences; the filter finds the ones to look at. */
export function DependenciesSection({ dependencies, summary, filter, query, onFilter }: DependenciesSectionProps) {
  const shown = filterDependencies(dependencies, filter, query);
  return (
    <>
      <Fields
        label="Dependency summary"
        items={[
          ['Root package', summary.root],
          ['Installed packages', summary.installed],
          ['Optional packages absent (other platforms)', summary.absent],
          ['Required packages missing', summary.missing],
          ...Object.entries(summary.byCategory).map(([category, n]) => [`Licence: ${category}`, n] as const),
        ]}
      />
      <div className="report-filter">
        <label htmlFor="report-dependency-filter">Show packages</label>
        <select id="report-dependency-filter" value={filter} onChange={(e) => {
            const value = controlValue(e);
            if (isDependencyFilter(value)) onFilter(value);
          }}>
          {DEPENDENCY_FILTERS.map((f) => (
            <option key={f.id} value={f.id}>
              {f.label}
            </option>
          ))}
        </select>
      </div>
      <Shown shown={shown.length} total={dependencies.length} noun="packages" />
      <table className="report-table" aria-label="Dependencies">
        <thead>
          <tr>
            <th scope="col">Package</th>
            <th scope="col">Version</th>
            <th scope="col">Licence</th>
            <th scope="col">Category</th>
            <th scope="col">Status</th>
            <th scope="col">Kind</th>
            <th scope="col">Required by</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((d) => (
            <tr key={`${d.name}@${d.version ?? d.requested}:${d.path ?? d.kind}`} className={d.flagged ? 'flagged' : undefined}>
              <td>{d.name}</td>
              <td>{d.version ?? '—'}</td>
              <td>{d.license ?? '—'}</td>
              <td>{d.category}</td>
              <td>{d.status}</td>
              <td>{d.kind}</td>
              <td>{d.requiredBy}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
