import type { ReportFormat } from './export';
import type { SovereigntyReport } from './report-schema';

// What an exported report is called and how it is typed, so the studio's save dialog, its browser
// download and the files people keep side by side all name a report the same way: by the moment it
// was issued, which sorts in time order.

export const REPORT_MIME_TYPES: Record<ReportFormat, string> = {
  html: 'text/html; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** e.g. aiprod-sovereignty-report-2026-11-23T12-00-00Z.html (no ":" so it is a valid name on Windows). */
export function reportFileName(report: Pick<SovereigntyReport, 'issuedAt'>, format: ReportFormat): string {
  const stamp = report.issuedAt.replace(/\.\d+(?=Z$)/, '').replace(/:/g, '-');
  return `aiprod-sovereignty-report-${stamp}.${format}`;
}
