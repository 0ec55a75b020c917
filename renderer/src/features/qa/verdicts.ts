import { DEFAULT_QA_THRESHOLDS, type DbJson, type QaReportDto, type QaThresholds, type RerenderCheckDto } from '../../../../electron/common/channels/qa';

// Pass/fail of a render's QA figures against the project's thresholds: pure, so the panel shows what
// these functions say and tests can hold them to it. A threshold set to null is "off"; a figure that
// was not measured (no reference chosen, no judge for the pack) is "unmeasured", never a pass.

export type Verdict = 'pass' | 'fail' | 'off' | 'unmeasured';
export type MetricKey = 'ssim' | 'psnr' | 'flicker' | 'prompt';

export interface MetricBadge {
  key: MetricKey;
  label: string;
  /** The figure as shown ("0.9731", "inf", "41.20 dB", "0.32 levels", "67 %"); "—" when unmeasured. */
  value: string;
  /** The bar as shown ("≥ 0.90"); null when the check is off. */
  threshold: string | null;
  verdict: Verdict;
  /** Whether it counts towards the overall verdict: the reference metrics do not when no reference was chosen. */
  counts: boolean;
  /** Why it is unmeasured, for the badge's title. */
  why?: string;
}

export function effectiveThresholds(stored: QaThresholds | undefined): QaThresholds {
  return stored ?? DEFAULT_QA_THRESHOLDS;
}

export function formatDb(value: DbJson): string {
  if (value === null) return '—';
  return value === 'inf' ? 'inf' : `${value.toFixed(2)} dB`;
}

/** "inf" is above every bar. */
function dbValue(value: DbJson): number | null {
  return value === 'inf' ? Infinity : value;
}

function judge(value: number | null, bar: number | null, higherIsBetter: boolean): Verdict {
  if (bar === null) return 'off';
  if (value === null) return 'unmeasured';
  return (higherIsBetter ? value >= bar : value <= bar) ? 'pass' : 'fail';
}

/** The four badges of an analysis (null: nothing analysed yet, every badge unmeasured). */
export function qaBadges(report: QaReportDto | null, thresholds: QaThresholds): MetricBadge[] {
  const noReference = 'no reference video was chosen';
  const ssim = report?.ssim ?? null;
  const psnr = report?.psnr ?? null;
  const flicker = report?.temporal.flicker ?? null;
  const prompt = report?.prompt;
  const adherence = prompt?.scored === true ? prompt.score : null;
  const promptWhy = prompt === undefined ? 'no prompt was scored' : prompt.scored ? 'the prompt names nothing the judge measures' : prompt.reason;
  const optional = (key: MetricKey) => (key === 'ssim' || key === 'psnr') && report !== null && report.reference === null;
  const badge = (key: MetricKey, label: string, value: string, threshold: string | null, verdict: Verdict, why: string | undefined): MetricBadge => {
    const base = { key, label, value, threshold, verdict, counts: !optional(key) };
    return why === undefined || verdict !== 'unmeasured' ? base : { ...base, why };
  };
  return [
    badge('ssim', 'SSIM vs reference', ssim === null ? '—' : ssim.toFixed(4), thresholds.minSsim === null ? null : `≥ ${thresholds.minSsim}`, judge(ssim, thresholds.minSsim, true), report === null ? 'not analysed yet' : noReference),
    badge('psnr', 'PSNR vs reference', formatDb(psnr), thresholds.minPsnr === null ? null : `≥ ${thresholds.minPsnr} dB`, judge(dbValue(psnr), thresholds.minPsnr, true), report === null ? 'not analysed yet' : noReference),
    badge('flicker', 'Flicker', flicker === null ? '—' : `${flicker.toFixed(2)} levels`, thresholds.maxFlicker === null ? null : `≤ ${thresholds.maxFlicker}`, judge(flicker, thresholds.maxFlicker, false), report === null ? 'not analysed yet' : 'a single frame has no flicker'),
    badge(
      'prompt',
      'Prompt adherence',
      adherence === null ? '—' : `${Math.round(adherence * 100)} %`,
      thresholds.minPromptAdherence === null ? null : `≥ ${Math.round(thresholds.minPromptAdherence * 100)} %`,
      judge(adherence, thresholds.minPromptAdherence, true),
      report === null ? 'not analysed yet' : promptWhy,
    ),
  ];
}

export type RerenderVerdict = 'pass' | 'fail' | 'differs' | 'unmeasured';

/** The re-render check's badge: its own verdict (thresholds do not apply to it). */
export function rerenderVerdict(check: RerenderCheckDto | null): RerenderVerdict {
  if (check === null) return 'unmeasured';
  switch (check.status) {
    case 'passed':
      return 'pass';
    case 'failed':
      return 'fail';
    case 'differs-across-providers':
      return 'differs';
  }
}

/** All checks together: fail if any failed, pass if every check that is on (and counts) passed, else incomplete. */
export function overallVerdict(badges: readonly MetricBadge[], rerender: RerenderVerdict): 'pass' | 'fail' | 'incomplete' {
  if (rerender === 'fail' || badges.some((b) => b.verdict === 'fail')) return 'fail';
  const measured = badges.filter((b) => b.verdict !== 'off' && b.counts);
  if (measured.some((b) => b.verdict === 'unmeasured') || rerender === 'unmeasured') return 'incomplete';
  return 'pass';
}

export const VERDICT_TEXT: Record<Verdict | RerenderVerdict | 'incomplete', string> = {
  pass: 'Pass',
  fail: 'Fail',
  off: 'Off',
  unmeasured: 'Not measured',
  differs: 'Differs (other provider)',
  incomplete: 'Incomplete',
};
