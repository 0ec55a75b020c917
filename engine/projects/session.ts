// The projects one studio process has open: each holds its folder's lock from open (or create)
// until close, and its saves run one at a time. Saves name the revision they were based on, so two
// windows of one process editing the same project cannot silently overwrite each other: the lock
// keeps other processes out, the revision check keeps other windows out.
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { inputError } from '../errors';
import { removeLeftoverTempFiles } from './atomic-file';
import { AUDIO_DIR, importAudio, type ImportedAudio } from './audio';
import { PROJECT_CODES } from './codes';
import { checkAbsolutePath, resolveProjectFolder } from './folder';
import { acquireProjectLock, describeHolder, type ProjectLock } from './lock';
import { loadProject, writeProject } from './project-file';
import { defaultRecentFile, forgetRecent, readRecent, rememberRecent, renameRecent, type RecentEntry } from './recent';
import { newProjectDocument, PROJECT_BACKUP_FILE, PROJECT_FILE, PROJECT_LIMITS, PROJECT_SCHEMA_VERSION } from './schema';
import { readThumbnailDataUrl } from './thumbnail';
import type { Project } from './schema';

export interface OpenedProject {
  /** The folder's real path: the project's identity for every later call. */
  folder: string;
  project: Project;
  /** What the user should be told: a backup opened, a migration, a stale lock taken over. */
  warnings: string[];
}

export interface SavedProject {
  folder: string;
  name: string;
  revision: number;
  /** ISO time of the write; also the project's new updatedAt. */
  savedAt: string;
}

export interface RecentProject extends RecentEntry {
  /** Whether the folder still holds a project (or its backup). */
  available: boolean;
}

export interface ProjectSessionOptions {
  /** The recent list's file; default <AIPROD_HOME>/recent-projects.json, read at each use. */
  recentFile?: () => string;
  /** The clock for createdAt/updatedAt (tests pin it). */
  now?: () => Date;
}

interface OpenState {
  lock: ProjectLock;
  revision: number;
  name: string;
  /** The tail of this project's chain of writes. */
  tail: Promise<unknown>;
}

/** A project name: trimmed, 1 to 200 characters, no control characters. */
export function checkProjectName(input: unknown): string {
  const name = typeof input === 'string' ? input.trim() : '';
  if (name === '') throw inputError(PROJECT_CODES.NAME_INVALID, 'The project name is empty');
  if (name.length > PROJECT_LIMITS.nameChars) throw inputError(PROJECT_CODES.NAME_INVALID, `The project name is longer than ${PROJECT_LIMITS.nameChars} characters`);
  if (/[\u0000-\u001f\u007f]/.test(name)) throw inputError(PROJECT_CODES.NAME_INVALID, 'The project name holds a control character (a line break or tab)');
  return name;
}

async function removeLeftoverImports(folder: string): Promise<void> {
  const dir = path.join(folder, AUDIO_DIR);
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) if (/^\.import-\d+-[0-9a-f]+\.tmp$/.test(name)) await rm(path.join(dir, name), { force: true });
}

export class ProjectSession {
  private readonly projects = new Map<string, OpenState>();
  private readonly recentFile: () => string;
  private readonly now: () => Date;

  constructor(options: ProjectSessionOptions = {}) {
    this.recentFile = options.recentFile ?? defaultRecentFile;
    this.now = options.now ?? (() => new Date());
  }

  /** Folders this session holds open. */
  openFolders(): string[] {
    return [...this.projects.keys()];
  }

  /** A project this session has open, by the folder path open/create answered (or any path to it). */
  private async stateOf(folderInput: unknown): Promise<{ folder: string; state: OpenState }> {
    const folder = checkAbsolutePath(folderInput, 'project folder');
    const direct = this.projects.get(folder);
    if (direct !== undefined) return { folder, state: direct };
    const real = await resolveProjectFolder(folder).catch(() => folder);
    const state = this.projects.get(real);
    if (state === undefined) throw inputError(PROJECT_CODES.NOT_OPEN, `The project in ${folder} is not open; open it first`, { folder });
    return { folder: real, state };
  }

  /** Runs one write of a project after the ones before it; a failed write does not block the next. */
  private serialise<T>(state: OpenState, step: () => Promise<T>): Promise<T> {
    const run = state.tail.then(step, step);
    state.tail = run.catch(() => undefined);
    return run;
  }

  private async remember(folder: string, name: string, warnings: string[]): Promise<void> {
    try {
      await rememberRecent(this.recentFile(), { folder, name, openedAt: this.now().toISOString() });
    } catch (error) {
      warnings.push(`The recent projects list could not be updated: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private static tookOverWarning(lock: ProjectLock): string[] {
    return lock.tookOverFrom === null ? [] : [`The project was not closed properly last time (${describeHolder(lock.tookOverFrom)} is gone); its lock was taken over.`];
  }

  /**
   * A new project in an existing, writable folder that holds none yet. Nothing is left behind on
   * failure: no project file, no lock.
   */
  async create(folderInput: unknown, nameInput: unknown): Promise<OpenedProject> {
    const folder = await resolveProjectFolder(folderInput);
    const name = checkProjectName(nameInput);
    const existing = () => [PROJECT_FILE, PROJECT_BACKUP_FILE].find((f) => existsSync(path.join(folder, f)));
    const refuseExisting = (file: string) => inputError(PROJECT_CODES.EXISTS, `${folder} already holds a project (${file}); open it instead`, { folder });
    const before = existing();
    if (before !== undefined) throw refuseExisting(before);
    const lock = await acquireProjectLock(folder);
    try {
      // Checked again under the lock: another process may have created one in between.
      const raced = existing();
      if (raced !== undefined) throw refuseExisting(raced);
      const project = newProjectDocument(name, this.now());
      await writeProject(folder, project);
      this.projects.set(folder, { lock, revision: project.revision, name, tail: Promise.resolve() });
      const warnings = ProjectSession.tookOverWarning(lock);
      await this.remember(folder, name, warnings);
      return { folder, project, warnings };
    } catch (error) {
      if (!this.projects.has(folder)) await lock.release();
      throw error;
    }
  }

  /** Opens (or re-reads, when this session has it open already) the project in `folderInput`. */
  async open(folderInput: unknown): Promise<OpenedProject> {
    const folder = await resolveProjectFolder(folderInput);
    const held = this.projects.get(folder);
    if (held !== undefined) {
      return this.serialise(held, async () => {
        const loaded = await loadProject(folder, this.now());
        held.revision = loaded.project.revision;
        held.name = loaded.project.name;
        const warnings = [...loaded.warnings];
        await this.remember(folder, loaded.project.name, warnings);
        return { folder, project: loaded.project, warnings };
      });
    }
    const lock = await acquireProjectLock(folder);
    try {
      const leftovers = await removeLeftoverTempFiles(path.join(folder, PROJECT_FILE));
      await removeLeftoverImports(folder);
      const loaded = await loadProject(folder, this.now());
      const warnings = [...ProjectSession.tookOverWarning(lock), ...loaded.warnings];
      if (leftovers.length > 0) warnings.push(`A save was interrupted last time (${leftovers.length} temporary file(s) removed); the project is as it was at its last complete save.`);
      this.projects.set(folder, { lock, revision: loaded.project.revision, name: loaded.project.name, tail: Promise.resolve() });
      await this.remember(folder, loaded.project.name, warnings);
      return { folder, project: loaded.project, warnings };
    } catch (error) {
      if (!this.projects.has(folder)) await lock.release();
      throw error;
    }
  }

  /**
   * Writes `project`, whose `revision` must be the one this session last opened or saved (else
   * PROJECT_CONFLICT: someone else saved in between). The file gets revision + 1 and updatedAt now.
   */
  async save(folderInput: unknown, project: Project): Promise<SavedProject> {
    const { folder, state } = await this.stateOf(folderInput);
    return this.serialise(state, async () => {
      if (project.revision !== state.revision) {
        throw inputError(
          PROJECT_CODES.CONFLICT,
          `The project in ${folder} was saved from another window since this copy was loaded (this copy is revision ${project.revision}, the file is at ${state.revision}); reopen it to continue`,
          { folder, revision: project.revision, current: state.revision },
        );
      }
      const savedAt = this.now().toISOString();
      const next: Project = { ...project, schemaVersion: PROJECT_SCHEMA_VERSION, revision: state.revision + 1, updatedAt: savedAt };
      await writeProject(folder, next);
      state.revision = next.revision;
      if (next.name !== state.name) {
        state.name = next.name;
        await renameRecent(this.recentFile(), folder, next.name).catch(() => undefined);
      }
      return { folder, name: next.name, revision: next.revision, savedAt };
    });
  }

  /** Renames the project (its name, not its folder) and saves that at once. */
  async rename(folderInput: unknown, nameInput: unknown): Promise<SavedProject> {
    const name = checkProjectName(nameInput);
    const { folder, state } = await this.stateOf(folderInput);
    return this.serialise(state, async () => {
      const { project } = await loadProject(folder, this.now());
      const savedAt = this.now().toISOString();
      const next: Project = { ...project, name, revision: state.revision + 1, updatedAt: savedAt };
      await writeProject(folder, next);
      state.revision = next.revision;
      state.name = name;
      await renameRecent(this.recentFile(), folder, name).catch(() => undefined);
      return { folder, name, revision: next.revision, savedAt };
    });
  }

  /** Releases the project's lock once its pending writes are done. False when it was not open. */
  async close(folderInput: unknown): Promise<boolean> {
    let found;
    try {
      found = await this.stateOf(folderInput);
    } catch (error) {
      if ((error as { code?: string }).code === PROJECT_CODES.NOT_OPEN) return false;
      throw error;
    }
    const { folder, state } = found;
    this.projects.delete(folder);
    await state.tail;
    await state.lock.release();
    return true;
  }

  async closeAll(): Promise<void> {
    for (const folder of this.openFolders()) await this.close(folder);
  }

  /** The recent list, newest first, each entry saying whether its project is still there. */
  async recent(): Promise<RecentProject[]> {
    const entries = await readRecent(this.recentFile());
    return entries.map((entry) => ({
      ...entry,
      available: existsSync(path.join(entry.folder, PROJECT_FILE)) || existsSync(path.join(entry.folder, PROJECT_BACKUP_FILE)),
    }));
  }

  async forgetRecent(folderInput: unknown): Promise<void> {
    await forgetRecent(this.recentFile(), checkAbsolutePath(folderInput, 'project folder'));
  }

  /** Copies an audio file into the open project's audio/ folder (see audio.ts). */
  async importAudio(folderInput: unknown, source: unknown): Promise<ImportedAudio> {
    const { folder, state } = await this.stateOf(folderInput);
    return this.serialise(state, () => importAudio(folder, source));
  }

  /** A thumbnail of the open project as a data: URL. Only open projects: the renderer cannot read
   * files of folders it has not opened. */
  async thumbnail(folderInput: unknown, file: string): Promise<string> {
    const { folder } = await this.stateOf(folderInput);
    return readThumbnailDataUrl(folder, file);
  }
}
