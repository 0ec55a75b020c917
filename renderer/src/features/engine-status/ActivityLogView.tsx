import type { LogEntry } from '../../../../electron/common/channels/app';

function timeOf(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString();
}

/** The shell's log, newest last. */
export function ActivityLogView({ entries }: { entries: readonly LogEntry[] }) {
  return (
    <section className="panel" aria-labelledby="activity-title">
      <h2 id="activity-title">Activity</h2>
      {entries.length === 0 ? (
        <p className="muted">Nothing yet.</p>
      ) : (
        <ol className="activity" aria-label="Activity log">
          {entries.map((entry, i) => (
            <li key={`${entry.time}-${i}`} className={`level-${entry.level}`}>
              <time dateTime={entry.time}>{timeOf(entry.time)}</time> <span className="source">{entry.source}</span> {entry.message}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
