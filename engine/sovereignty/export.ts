import { stat } from 'node:fs/promises';
import path from 'node:path';
import { inputError } from '../errors';
import { writeFileAtomic } from '../render/files';
import { renderReportHtml } from './html';
import type { SovereigntyReport } from './report-schema';

// Writing the report out: JSON (the data, with its content hash) or the standalone HTML page. The
// file is written whole or not at all (temp file, fsync, rename); an existing file at that path is
// replaced, since a report is a snapshot that is meant to be re-issued.

export type ReportFormat = 'html' | 'json';

export function serializeReport(report: SovereigntyReport, format: ReportFormat): string {
  return format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderReportHtml(report);
}

/** The format a file name asks for: .json is JSON, anything else the HTML page. */
export function formatForFile(file: string): ReportFormat {
  return path.extname(file).toLowerCase() === '.json' ? 'json' : 'html';
}

/** Checks the destination before any work: its folder must exist and the path must not be a folder. */
export async function checkReportDestination(file: string): Promise<void> {
  const dir = path.dirname(file);
  const dirStats = await stat(dir).catch(() => null);
  if (dirStats === null || !dirStats.isDirectory()) {
    throw inputError('REPORT_OUT_DIR_MISSING', `cannot write ${file}: folder ${dir} does not exist`, { path: file });
  }
  const fileStats = await stat(file).catch(() => null);
  if (fileStats !== null && !fileStats.isFile()) throw inputError('REPORT_OUT_NOT_A_FILE', `cannot write ${file}: it exists and is not a regular file`, { path: file });
}

/** Writes the report atomically; returns the bytes written. */
export async function writeReportFile(file: string, report: SovereigntyReport, format: ReportFormat): Promise<number> {
  await checkReportDestination(file);
  const text = serializeReport(report, format);
  await writeFileAtomic(file, text);
  return Buffer.byteLength(text, 'utf8');
}
