import type { ModelEntryDto } from '../../../../electron/common/channels/report';
import { controlValue, integer, Shown, YesNo } from './fields';
import { CHECKSUM_PROBLEMS, filterModels, isModelFilter, MODEL_FILTERS, type ModelFilter } from './report-filters';

const ORIGINS: Record<ModelEntryDto['origin'], string> = { shipped: 'shipped', imported: 'imported', 'search-path': 'pack search path' };

function provenance(m: ModelEntryDto): string {
  const p = m.provenance;
  return [p.status === 'trained' ? 'trained' : 'pending training', p.source, p.commit === null ? null : `commit ${p.commit}`, p.trainedAt === null ? null : `trained ${p.trainedAt}`, p.hardware]
    .filter((x) => x !== null)
    .join('; ');
}

function checksums(m: ModelEntryDto): string {
  const c = m.checksums;
  return `${c.state} (${c.files} files)${c.problem === null ? '' : `: ${c.problem}`}`;
}

export interface ModelsSectionProps {
  models: readonly ModelEntryDto[];
  filter: ModelFilter;
  query: string;
  onFilter(filter: ModelFilter): void;
}

/** Every model pack: what it is, whose it is, where it comes from, whether its files still match. */
export function ModelsSection({ models, filter, query, onFilter }: ModelsSectionProps) {
  const shown = filterModels(models, filter, query);
  return (
    <>
      <div className="report-filter">
        <label htmlFor="report-model-filter">Show model packs</label>
        <select id="report-model-filter" value={filter} onChange={(e) => {
            const value = controlValue(e);
            if (isModelFilter(value)) onFilter(value);
          }}>
          {MODEL_FILTERS.map((f) => (
            <option key={f.id} value={f.id}>
              {f.label}
            </option>
          ))}
        </select>
      </div>
      <Shown shown={shown.length} total={models.length} noun="model packs" />
      <table className="report-table" aria-label="Model packs">
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Id and version</th>
            <th scope="col">Origin</th>
            <th scope="col">Licence</th>
            <th scope="col">Owner</th>
            <th scope="col">Provenance and training</th>
            <th scope="col">Parameters</th>
            <th scope="col">Checksums</th>
            <th scope="col">Renders</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((m) => (
            <tr key={`${m.origin}:${m.id}`}>
              <td>{m.name}</td>
              <td>
                <code>{m.id}</code> {m.version}
              </td>
              <td>{ORIGINS[m.origin]}</td>
              <td>{m.license.spdx}</td>
              <td>{m.license.owner}</td>
              <td>{provenance(m)}</td>
              <td>{integer(m.parameters) ?? '—'}</td>
              <td className={CHECKSUM_PROBLEMS.has(m.checksums.state) ? 'problem' : undefined}>{checksums(m)}</td>
              <td>
                <YesNo value={m.renderable} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
