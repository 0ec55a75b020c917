import type { NetworkStatsDto, SovereigntyReportDto } from '../../../../electron/common/channels/report';
import { Fields } from './fields';

type Network = SovereigntyReportDto['network'];

function guardText(guard: Network['guard']): string {
  return guard.installed ? `yes (${guard.label ?? 'unnamed process'})` : 'no';
}

function OriginsTable({ label, rows }: { label: string; rows: Network['byOrigin'] }) {
  if (rows.length === 0) return <p className="muted">No attempt to reach the network.</p>;
  return (
    <table className="report-table" aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Origin</th>
          <th scope="col">API</th>
          <th scope="col">Target</th>
          <th scope="col">Count</th>
          <th scope="col">Last</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((o) => (
          <tr key={`${o.origin}|${o.api}|${o.target}`}>
            <td>
              <code>{o.origin}</code>
            </td>
            <td>{o.api}</td>
            <td>{o.target}</td>
            <td>{o.count}</td>
            <td>{o.lastAt}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Renders({ renders }: { renders: NonNullable<Network['renders']> }) {
  return (
    <>
      <Fields
        label="Render records"
        items={[
          ['Render records', renders.records],
          ['Attempts', renders.attempts],
          ['Blocked', renders.blocked],
          ['Records from a process without the guard', renders.withoutGuard],
        ]}
      />
      {renders.items.length > 0 ? (
        <table className="report-table" aria-label="Network counts of renders">
          <thead>
            <tr>
              <th scope="col">Record</th>
              <th scope="col">Created</th>
              <th scope="col">Model</th>
              <th scope="col">Guard</th>
              <th scope="col">Attempts</th>
              <th scope="col">Blocked</th>
            </tr>
          </thead>
          <tbody>
            {renders.items.map((r) => (
              <tr key={r.record}>
                <td>
                  <code>{r.record}</code>
                </td>
                <td>{r.createdAt ?? '—'}</td>
                <td>{r.model ?? '—'}</td>
                <td>{r.installed ? 'on' : 'off'}</td>
                <td>{r.attempts}</td>
                <td>{r.blocked}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {renders.unreadable.length > 0 ? (
        <ul aria-label="Unreadable render records">
          {renders.unreadable.map((u) => (
            <li key={u.record}>
              <code>{u.record}</code>: {u.problem}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

/** The guard's counts when the report was made, the live counts since, and the renders' counts. */
export function NetworkSection({ network, live }: { network: Network; live: NetworkStatsDto | null }) {
  return (
    <>
      <Fields
        label="Network guard when the report was issued"
        items={[
          ['Network guard installed', guardText(network.guard)],
          ['Counting since', network.guard.since],
          ['Attempts to reach a non-loopback address', network.attempts],
          ['Blocked', network.blocked],
          ['Attempts not listed by origin', network.unlistedAttempts],
        ]}
      />
      <h3>Attempts by origin</h3>
      <OriginsTable label="Network attempts by origin" rows={network.byOrigin} />
      {live !== null ? (
        <>
          <h3>Live counts</h3>
          <Fields
            label="Network guard now"
            items={[
              ['Process', guardText(live)],
              ['Attempts now', live.attempts],
              ['Blocked now', live.blocked],
            ]}
          />
        </>
      ) : null}
      <h3>Renders</h3>
      {network.renders === null ? <p className="muted">No render records were read (open a project to include its renders).</p> : <Renders renders={network.renders} />}
    </>
  );
}
