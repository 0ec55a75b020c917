import type { ReactNode } from 'react';

// Small pieces every section of the report uses. Values are rendered as React text children, so a
// pack name or a licence string is shown as written, never parsed as markup.

export type FieldValue = ReactNode | null;

/** A list of term / value pairs; null values show as a dash. */
export function Fields({ label, items }: { label: string; items: readonly (readonly [string, FieldValue])[] }) {
  return (
    <dl className="report-fields" aria-label={label}>
      {items.map(([term, value]) => (
        <div className="report-field" key={term}>
          <dt>{term}</dt>
          <dd>{value === null || value === undefined ? <span className="muted">—</span> : value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function scoreTone(score: number | null): 'good' | 'fair' | 'poor' | 'na' {
  if (score === null) return 'na';
  return score >= 9 ? 'good' : score >= 7 ? 'fair' : 'poor';
}

/** "9/10", "8.4/10" or "n/a"; green from 9, amber from 7, red below (as the HTML export). */
export function ScoreBadge({ score }: { score: number | null }) {
  return <span className={`score-badge ${scoreTone(score)}`}>{score === null ? 'n/a' : `${score}/10`}</span>;
}

export function YesNo({ value }: { value: boolean | null }) {
  if (value === null) return <span className="score-badge na">unknown</span>;
  return <span className={`score-badge ${value ? 'good' : 'poor'}`}>{value ? 'yes' : 'no'}</span>;
}

export function integer(n: number | null): string | null {
  return n === null ? null : n.toLocaleString('en-US');
}

/** "Showing 3 of 120", announced politely as the filters change. */
export function Shown({ shown, total, noun }: { shown: number; total: number; noun: string }) {
  return (
    <p className="muted report-count" role="status">
      {shown === total ? `${total} ${noun}` : `Showing ${shown} of ${total} ${noun}`}
    </p>
  );
}

/** The value of the form control an event came from. Read loosely because these views are also
 * compiled without the DOM library (their unit tests render them in Node). */
export function controlValue(event: { target: unknown }): string {
  const value = (event.target as { value?: unknown }).value;
  return typeof value === 'string' ? value : '';
}
