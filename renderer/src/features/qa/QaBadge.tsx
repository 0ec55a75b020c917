import { VERDICT_TEXT, type RerenderVerdict, type Verdict } from './verdicts';

/** A pass/fail badge; the text says the verdict, so colour is never the only sign. */
export function QaBadge({ verdict, label, title }: { verdict: Verdict | RerenderVerdict | 'incomplete'; label: string; title?: string | undefined }) {
  const text = VERDICT_TEXT[verdict];
  return (
    <span className={`badge qa-badge qa-${verdict}`} aria-label={`${label}: ${text}`} title={title}>
      {text}
    </span>
  );
}
