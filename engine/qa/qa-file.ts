// QA figures stored with a render: `<job>.qa.json` next to `<job>.mp4` and its record `<job>.json`.
// A sibling file rather than a section of the record: the record is the render's proof (the queue
// and the re-render check read it, its hashes vouch for the video), so it stays as the render wrote it.
//
// The file holds the latest analysis (qa.run / `aiprod qa --save`) and the latest re-render check.
// Writes are whole-file and atomic (temp file, fsync, rename); updates within one process are
// serialised per file, so an analysis and a re-render finishing together both land.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { inputError } from '../errors';
import { writeFileAtomic } from '../render/files';
import { QaReportJson, RerenderCheck } from './qa-documents';

export const QA_FILE_FORMAT = 'aiprod-qa/1';

export const QaAnalysis = z.object({
  at: z.string(),
  report: QaReportJson,
});
export type QaAnalysis = z.infer<typeof QaAnalysis>;

export const QaFile = z.object({
  format: z.literal(QA_FILE_FORMAT),
  /** The video's file name (the file sits next to it). */
  video: z.string(),
  updatedAt: z.string(),
  analysis: QaAnalysis.nullable(),
  rerender: RerenderCheck.nullable(),
});
export type QaFile = z.infer<typeof QaFile>;

/** `<job>.qa.json` for a render's video (`<job>.mp4`) or record (`<job>.json`). */
export function qaFileFor(videoOrRecord: string): string {
  const resolved = path.resolve(videoOrRecord);
  const stem = resolved.replace(/\.qa\.json$/i, '').replace(/\.(mp4|json)$/i, '');
  return `${stem}.qa.json`;
}

/** The video a QA file belongs to: `<job>.mp4` next to it. */
export function videoForQaFile(qaFile: string): string {
  return qaFile.replace(/\.qa\.json$/i, '.mp4');
}

/** The stored QA of a render, or null when none was stored yet. A damaged file is an error naming it. */
export async function readQaFile(videoOrRecord: string): Promise<QaFile | null> {
  const file = qaFileFor(videoOrRecord);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw inputError('QA_FILE_UNREADABLE', `the QA file ${file} cannot be read (${code ?? String(error)})`, { file });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw inputError('QA_FILE_INVALID', `the QA file ${file} is not valid JSON: ${(error as Error).message}`, { file });
  }
  const parsed = QaFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw inputError('QA_FILE_INVALID', `the QA file ${file} is not a QA file: ${issue?.path.map(String).join('.') || '(root)'} ${issue?.message ?? 'is invalid'}`, { file });
  }
  return parsed.data;
}

const chains = new Map<string, Promise<unknown>>();

/** Read-modify-write of a render's QA file; `change` gets the stored file (or a fresh one). */
export function updateQaFile(videoOrRecord: string, change: (current: QaFile) => QaFile, now: () => Date = () => new Date()): Promise<QaFile> {
  const file = qaFileFor(videoOrRecord);
  const previous = chains.get(file) ?? Promise.resolve();
  const next = previous
    .catch(() => undefined)
    .then(async () => {
      const current = (await readQaFile(file)) ?? { format: QA_FILE_FORMAT, video: path.basename(videoForQaFile(file)), updatedAt: now().toISOString(), analysis: null, rerender: null };
      const updated = QaFile.parse({ ...change(current), updatedAt: now().toISOString() });
      await writeFileAtomic(file, `${JSON.stringify(updated, null, 2)}\n`);
      return updated;
    });
  chains.set(file, next);
  // The map holds only chains still running.
  void next.finally(() => {
    if (chains.get(file) === next) chains.delete(file);
  }).catch(() => undefined);
  return next;
}

export function saveAnalysis(videoOrRecord: string, analysis: QaAnalysis): Promise<QaFile> {
  return updateQaFile(videoOrRecord, (current) => ({ ...current, analysis }));
}

export function saveRerenderCheck(videoOrRecord: string, check: RerenderCheck): Promise<QaFile> {
  return updateQaFile(videoOrRecord, (current) => ({ ...current, rerender: check }));
}
