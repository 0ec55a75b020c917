import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { isTempFileOf, writeTempFile } from '../../../../engine/projects/atomic-file';
import { loadProject, writeProject } from '../../../../engine/projects/project-file';
import { PROJECT_BACKUP_FILE, PROJECT_FILE } from '../../../../engine/projects/schema';
import { ProjectSession } from '../../../../engine/projects/session';
import { projectWith, removeTempFolders, shot, tempFolder } from './helpers';

afterAll(removeTempFolders);

async function readJson(file: string): Promise<{ name: string; revision: number; shots: { prompt: string }[] }> {
  return JSON.parse(await readFile(file, 'utf8')) as { name: string; revision: number; shots: { prompt: string }[] };
}

async function failure(promise: Promise<unknown>): Promise<AiprodError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AiprodError);
  return error as AiprodError;
}

describe('saving a project', () => {
  it('writes the file and keeps the one it replaces as the .bak copy', async () => {
    const folder = await tempFolder('save');
    await writeProject(folder, projectWith('A', [shot('s1', 'first version')]));
    expect(await readdir(folder)).toEqual([PROJECT_FILE]);
    await writeProject(folder, projectWith('A', [shot('s1', 'second version')], 1));
    expect((await readJson(path.join(folder, PROJECT_FILE))).shots[0]?.prompt).toBe('second version');
    expect((await readJson(path.join(folder, PROJECT_BACKUP_FILE))).shots[0]?.prompt).toBe('first version');
    // No temporary file stays behind after a complete save.
    expect((await readdir(folder)).sort()).toEqual([PROJECT_FILE, PROJECT_BACKUP_FILE].sort());
  });

  it('never writes a document that breaks the schema', async () => {
    const folder = await tempFolder('invalid');
    await writeProject(folder, projectWith('Good', [shot('s1', 'kept')]));
    const bad = projectWith('Good', [shot('s1', 'x', { trimIn: 10, trimOut: 6, durationFrames: 16 })]);
    const error = await failure(writeProject(folder, bad));
    expect(error.code).toBe('PROJECT_INVALID');
    expect(error.message).toContain('shots.0.trimOut');
    expect((await readJson(path.join(folder, PROJECT_FILE))).shots[0]?.prompt).toBe('kept');
  });

  it('does not replace a good backup with a damaged main file', async () => {
    const folder = await tempFolder('keep-bak');
    await writeProject(folder, projectWith('P', [shot('s1', 'one')]));
    await writeProject(folder, projectWith('P', [shot('s1', 'two')], 1));
    await writeFile(path.join(folder, PROJECT_FILE), '{"schemaVersion": 1, "name": ');
    await writeProject(folder, projectWith('P', [shot('s1', 'three')], 2));
    expect((await readJson(path.join(folder, PROJECT_BACKUP_FILE))).shots[0]?.prompt).toBe('one');
    expect((await readJson(path.join(folder, PROJECT_FILE))).shots[0]?.prompt).toBe('three');
  });
});

describe('a crash during a save', () => {
  it('between the temporary write and the rename leaves the project at its last good state', async () => {
    const folder = await tempFolder('crash');
    const session = new ProjectSession({ recentFile: () => path.join(folder, 'recent.json') });
    const created = await session.create(folder, 'Crash test');
    const good = await session.save(folder, { ...created.project, shots: [shot('s1', 'last good state')] });
    expect(good.revision).toBe(1);
    await session.close(folder);

    // The first step of the next save ran (new bytes, flushed, in a temporary file); the process
    // died before the rename.
    const main = path.join(folder, PROJECT_FILE);
    const temp = await writeTempFile(main, JSON.stringify(projectWith('Crash test', [shot('s1', 'never committed')], 2)));
    expect(isTempFileOf(main, path.basename(temp))).toBe(true);

    const reopened = await new ProjectSession({ recentFile: () => path.join(folder, 'recent.json') }).open(folder);
    expect(reopened.project.shots.map((s) => s.prompt)).toEqual(['last good state']);
    expect(reopened.project.revision).toBe(1);
    expect(reopened.warnings.join(' ')).toMatch(/save was interrupted/);
    // The leftover is cleaned up once the lock is held.
    expect((await readdir(folder)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('opening a damaged project', () => {
  it('falls back to the .bak copy with a message, and keeps the damaged file aside', async () => {
    const folder = await tempFolder('corrupt');
    await writeProject(folder, projectWith('Film', [shot('s1', 'in the backup')]));
    await writeProject(folder, projectWith('Film', [shot('s1', 'in the main file')], 1));
    await writeFile(path.join(folder, PROJECT_FILE), '{ "schemaVersion": 1, "name": "Film", "shots": [ {"id"');

    const loaded = await loadProject(folder, new Date('2026-02-03T04:05:06.789Z'));
    expect(loaded.source).toBe('backup');
    expect(loaded.project.shots[0]?.prompt).toBe('in the backup');
    expect(loaded.warnings[0]).toMatch(/project\.aiprod\.json could not be read \(it is not valid JSON/);
    expect(loaded.warnings[0]).toContain('project.aiprod.json.damaged-2026-02-03T04-05-06-789Z');
    expect(await readFile(path.join(folder, 'project.aiprod.json.damaged-2026-02-03T04-05-06-789Z'), 'utf8')).toContain('"shots": [ {"id"');
  });

  it('falls back to the backup when the main file is valid JSON but not a project', async () => {
    const folder = await tempFolder('invalid-main');
    await writeProject(folder, projectWith('Film', [shot('s1', 'good')]));
    await writeProject(folder, projectWith('Film', [shot('s1', 'good too')], 1));
    await writeFile(path.join(folder, PROJECT_FILE), JSON.stringify({ ...projectWith('Film', []), shots: [{ id: 's1', prompt: 42 }] }));
    const loaded = await loadProject(folder);
    expect(loaded.source).toBe('backup');
    expect(loaded.warnings[0]).toMatch(/does not match the project schema at shots\.0/);
  });

  it('opens the backup when the main file is missing', async () => {
    const folder = await tempFolder('missing-main');
    await writeProject(folder, projectWith('Film', [shot('s1', 'only copy')]));
    await writeProject(folder, projectWith('Film', [shot('s1', 'lost')], 1));
    await rm(path.join(folder, PROJECT_FILE));
    const loaded = await loadProject(folder);
    expect(loaded.project.shots[0]?.prompt).toBe('only copy');
    expect(loaded.warnings[0]).toMatch(/was missing; the backup copy saved at/);
  });

  it('refuses, naming both files, when the backup is damaged too', async () => {
    const folder = await tempFolder('both-bad');
    await writeFile(path.join(folder, PROJECT_FILE), 'not json');
    await writeFile(path.join(folder, PROJECT_BACKUP_FILE), '[]');
    const error = await failure(loadProject(folder));
    expect(error.code).toBe('PROJECT_UNREADABLE');
    expect(error.message).toContain(path.join(folder, PROJECT_FILE));
    expect(error.message).toContain('its backup cannot be opened either');
    // Nothing was renamed: the user still has both files as they were.
    expect((await readdir(folder)).sort()).toEqual([PROJECT_FILE, PROJECT_BACKUP_FILE].sort());
  });

  it('refuses a file from a newer studio instead of falling back to an older backup', async () => {
    const folder = await tempFolder('too-new');
    await writeProject(folder, projectWith('Film', []));
    await writeProject(folder, projectWith('Film', [], 1));
    await writeFile(path.join(folder, PROJECT_FILE), JSON.stringify({ schemaVersion: 99, name: 'Future' }));
    const error = await failure(loadProject(folder));
    expect(error.code).toBe('PROJECT_TOO_NEW');
    expect(error.message).toMatch(/schema version 99, made by a newer AIPROD Studio/);
  });

  it('says there is no project in an empty folder', async () => {
    const folder = await tempFolder('empty');
    const error = await failure(loadProject(folder));
    expect(error.code).toBe('PROJECT_NOT_FOUND');
    expect(error.kind).toBe('input');
  });
});
