import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createExportStore } from '../../../../../renderer/src/features/export/export-store';
import { createProjectStore } from '../../../../../renderer/src/stores/project';
import { inProcessShell, type InProcessShell } from '../../in-process-shell';

// The export store against the real handlers and engine (no ffmpeg needed: these are the refusals
// before any encoding starts; the e2e test exports for real).

let home: string;
let work: string;
const savedHome = process.env.AIPROD_HOME;
let shell: InProcessShell;

beforeAll(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'aiprod-export-home-'));
  work = await mkdtemp(path.join(os.tmpdir(), 'aiprod-export-work-'));
  process.env.AIPROD_HOME = home;
  shell = inProcessShell();
});
afterEach(() => shell.close());
afterAll(async () => {
  if (savedHome === undefined) delete process.env.AIPROD_HOME;
  else process.env.AIPROD_HOME = savedHome;
  await rm(home, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

async function openProject(name: string) {
  const folder = await mkdtemp(path.join(work, 'p-'));
  const api = shell.connect();
  const project = createProjectStore(api, { autosaveDelayMs: 60_000 });
  expect(await project.getState().create(folder, name)).toBe(true);
  return { api, project, folder };
}

describe('the export store', () => {
  it('saves the project first, then reports the engine refusing unrendered shots by name', async () => {
    const { api, project, folder } = await openProject('Refused');
    project.getState().addShot();
    project.getState().addShot();
    project.getState().updateShot(project.getState().doc!.shots[1]!.id, { name: 'Gulls' });
    const store = createExportStore(api, () => 'export-1');
    const revision = project.getState().revision;
    await store.getState().start(folder, () => project.getState().saveNow());
    // The save reached the disk, so the engine saw both shots.
    expect(project.getState().revision).toBe(revision + 1);
    expect(store.getState()).toMatchObject({ phase: 'failed', error: { code: 'EXPORT_UNRENDERED', message: '2 shots have no render yet: Shot 1, Gulls. Render them before exporting.' } });
    expect(await readdir(folder)).not.toContain('exports');
    store.getState().dismiss();
    expect(store.getState()).toMatchObject({ phase: 'idle', error: null });
  });

  it('exports nothing when the save fails', async () => {
    const { api, folder } = await openProject('Unsaved');
    const store = createExportStore(api, () => 'export-2');
    await store.getState().start(folder, async () => false);
    expect(store.getState()).toMatchObject({ phase: 'failed', exportId: null, error: { code: 'EXPORT_NOT_SAVED' } });
  });

  it('refuses an empty timeline and a project that is not open', async () => {
    const { api, folder } = await openProject('Empty');
    const store = createExportStore(api, () => 'export-3');
    await store.getState().start(folder, async () => true);
    expect(store.getState().error?.code).toBe('EXPORT_EMPTY');
    await store.getState().start(work, async () => true);
    expect(store.getState().error).toMatchObject({ code: 'EXPORT_PROJECT_NOT_OPEN', message: `The project in ${work} is not open; open it before exporting` });
  });
});

describe('the export channels', () => {
  it('answer a cancel of no export with false, and refuse a save dialog on the headless host', async () => {
    const { api, project, folder } = await openProject('Channels');
    project.getState().addShot();
    await project.getState().saveNow();
    expect(await api.invoke('export.cancel', { exportId: 'nothing-running' })).toEqual({ cancelled: false });
    await expect(api.invoke('export.start', { folder, exportId: 'x1', destination: 'choose' })).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    await expect(api.invoke('export.start', { folder, exportId: 'bad id!' })).rejects.toMatchObject({ code: 'BAD_PAYLOAD' });
  });
});
