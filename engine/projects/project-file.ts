// Reading and writing project.aiprod.json. Every save first keeps the file it replaces as
// project.aiprod.json.bak (only if that file is a valid project, so a good backup is never replaced
// by a damaged one), then writes the new one atomically. Opening falls back to the backup, with a
// message, when the main file is missing, damaged or invalid.
import { readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { inputError, isAiprodError, workError } from '../errors';
import { writeFileAtomic } from './atomic-file';
import { PROJECT_CODES } from './codes';
import { migrateToCurrent } from './migrations';
import { describeIssue, Project, PROJECT_BACKUP_FILE, PROJECT_FILE } from './schema';

export interface LoadedProject {
  project: Project;
  /** Which file the project came from. */
  source: 'main' | 'backup';
  /** The schema version the file had, when it was older than the current one. */
  migratedFrom: number | null;
  /** What the user should know: a fallback to the backup, a migration. */
  warnings: string[];
}

type Parsed = { ok: true; project: Project; fromVersion: number } | { ok: false; reason: string; tooNew: boolean };

/** A file's text as a current-version project, or why it is not one. */
export function parseProjectText(text: string): Parsed {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `it is not valid JSON (${(error as Error).message})`, tooNew: false };
  }
  let migrated;
  try {
    migrated = migrateToCurrent(raw);
  } catch (error) {
    if (isAiprodError(error)) return { ok: false, reason: error.message, tooNew: error.code === PROJECT_CODES.TOO_NEW };
    throw error;
  }
  const checked = Project.safeParse(migrated.document);
  if (!checked.success) return { ok: false, reason: `it does not match the project schema at ${describeIssue(checked.error)}`, tooNew: false };
  return { ok: true, project: checked.data, fromVersion: migrated.fromVersion };
}

async function readIfPresent(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw workError(PROJECT_CODES.UNREADABLE, `Could not read ${file}: ${(error as Error).message}`, { cause: error, detail: { file } });
  }
}

function damagedName(now: Date): string {
  return `${PROJECT_FILE}.damaged-${now.toISOString().replace(/[:.]/g, '-')}`;
}

function migrationWarning(fromVersion: number, current: number): string[] {
  return fromVersion === current ? [] : [`This project was made by an older AIPROD Studio (schema version ${fromVersion}); it was updated and will be saved in the current format.`];
}

/**
 * The project in `folder`, from project.aiprod.json or, when that is missing or damaged, from
 * project.aiprod.json.bak. A damaged main file is set aside as project.aiprod.json.damaged-<time>
 * (never deleted), so the next save does not overwrite evidence the user may want. The caller
 * must hold the folder's lock.
 */
export async function loadProject(folder: string, now: Date = new Date()): Promise<LoadedProject> {
  const mainFile = path.join(folder, PROJECT_FILE);
  const backupFile = path.join(folder, PROJECT_BACKUP_FILE);
  const mainText = await readIfPresent(mainFile);
  let mainReason: string | null = null;
  if (mainText !== null) {
    const main = parseProjectText(mainText);
    if (main.ok) return { project: main.project, source: 'main', migratedFrom: main.fromVersion === main.project.schemaVersion ? null : main.fromVersion, warnings: migrationWarning(main.fromVersion, main.project.schemaVersion) };
    // A newer studio's file is not damaged: falling back would silently lose its newer content.
    if (main.tooNew) throw inputError(PROJECT_CODES.TOO_NEW, `${mainFile} cannot be opened: ${main.reason}`, { file: mainFile });
    mainReason = main.reason;
  }

  const backupText = await readIfPresent(backupFile);
  if (backupText === null) {
    if (mainReason === null) throw inputError(PROJECT_CODES.NOT_FOUND, `There is no project in ${folder} (no ${PROJECT_FILE})`, { folder });
    throw inputError(PROJECT_CODES.UNREADABLE, `${mainFile} cannot be opened: ${mainReason}; and there is no backup copy`, { file: mainFile });
  }
  const backup = parseProjectText(backupText);
  if (!backup.ok) {
    if (backup.tooNew) throw inputError(PROJECT_CODES.TOO_NEW, `${backupFile} cannot be opened: ${backup.reason}`, { file: backupFile });
    const first = mainReason === null ? `${mainFile} is missing` : `${mainFile} cannot be opened: ${mainReason}`;
    throw inputError(PROJECT_CODES.UNREADABLE, `${first}; and its backup cannot be opened either: ${backup.reason}`, { file: mainFile, backup: backupFile });
  }

  const warnings: string[] = [];
  const when = backup.project.updatedAt;
  if (mainReason !== null) {
    const aside = damagedName(now);
    await rename(mainFile, path.join(folder, aside));
    warnings.push(`${PROJECT_FILE} could not be read (${mainReason}). It was kept as ${aside}, and the backup copy saved at ${when} was opened instead; changes made after that are not in it.`);
  } else {
    warnings.push(`${PROJECT_FILE} was missing; the backup copy saved at ${when} was opened instead.`);
  }
  warnings.push(...migrationWarning(backup.fromVersion, backup.project.schemaVersion));
  return { project: backup.project, source: 'backup', migratedFrom: backup.fromVersion === backup.project.schemaVersion ? null : backup.fromVersion, warnings };
}

function writeFailure(file: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'ENOSPC' ? 'the disk is full' : code === 'EROFS' ? 'the file system is read-only' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message;
  return workError(PROJECT_CODES.WRITE_FAILED, `Could not save ${file}: ${reason}`, { cause: error, detail: { file, ...(code !== undefined ? { errno: code } : {}) } });
}

/**
 * Saves `project` (validated first: an invalid document is never written) into `folder`. The file it
 * replaces becomes the backup when it is a valid project. The caller must hold the folder's lock.
 */
export async function writeProject(folder: string, project: Project): Promise<void> {
  const checked = Project.safeParse(project);
  if (!checked.success) throw inputError(PROJECT_CODES.INVALID, `The project cannot be saved: ${describeIssue(checked.error)}`);
  const mainFile = path.join(folder, PROJECT_FILE);
  const backupFile = path.join(folder, PROJECT_BACKUP_FILE);
  const text = `${JSON.stringify(checked.data, null, 2)}\n`;
  try {
    const previous = await readIfPresent(mainFile);
    if (previous !== null && parseProjectText(previous).ok) await writeFileAtomic(backupFile, previous);
    await writeFileAtomic(mainFile, text);
  } catch (error) {
    if (isAiprodError(error)) throw error;
    throw writeFailure(mainFile, error);
  }
}
