import type { SovereigntyReportDto } from '../../../../electron/common/channels/report';
import { Fields, YesNo } from './fields';

/** How the desktop build is made: asar, Electron's fuses, and the switches that keep it offline. */
export function PackagingSection({ packaging }: { packaging: SovereigntyReportDto['packaging'] }) {
  const { electronBuilder, fuses, offline } = packaging;
  return (
    <>
      <Fields
        label="Build configuration"
        items={[
          [electronBuilder.file, electronBuilder.present ? 'present' : 'not present'],
          ['asar archive', electronBuilder.asar === null ? null : electronBuilder.asar ? 'yes' : 'no'],
          ['publish (update channel)', electronBuilder.publish ?? 'none'],
          ['afterPack hook', electronBuilder.afterPack],
        ]}
      />
      <h3>Electron fuses{fuses.file === null ? '' : ` (${fuses.file})`}</h3>
      <table className="report-table" aria-label="Electron fuses">
        <thead>
          <tr>
            <th scope="col">Fuse</th>
            <th scope="col">Configured</th>
            <th scope="col">Required</th>
            <th scope="col">As required</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {fuses.entries.map((f) => (
            <tr key={f.fuse}>
              <td>
                <code>{f.fuse}</code>
              </td>
              <td>{f.configured === null ? 'not set' : String(f.configured)}</td>
              <td>{String(f.expected)}</td>
              <td>
                <YesNo value={f.ok} />
              </td>
              <td>{f.why}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Offline</h3>
      <table className="report-table" aria-label="Offline checks">
        <thead>
          <tr>
            <th scope="col">Check</th>
            <th scope="col">Holds</th>
            <th scope="col">Detail</th>
            <th scope="col">Read from</th>
          </tr>
        </thead>
        <tbody>
          {offline.map((f) => (
            <tr key={f.id}>
              <td>{f.label}</td>
              <td>
                <YesNo value={f.ok} />
              </td>
              <td>{f.detail}</td>
              <td>{f.file === null ? '—' : <code>{f.file}</code>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
